// SPDX-License-Identifier: GPL-2.0-only
/*
 * bzimage-extract: the vmlinux ELF inside an x86 bzImage.
 *
 *   bzimage-extract IN.bzImage OUT.vmlinux
 *   bzimage-extract --info IN.bzImage
 *
 * The setup header (Linux Documentation/arch/x86/boot.rst) locates the
 * compressed payload; its first bytes name the compression; the matching
 * Debian library decompresses it; the result must be an ELF64 x86-64
 * ET_EXEC.  Every refusal is one line on stderr, exit status 1 (2 for a
 * usage error).  docs/linux-crash-kernel.md describes the formats.
 */
#include <bzlib.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* Setup header fields (boot.rst "The real-mode kernel header"). */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_BOOT_FLAG       0x1fe
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_LOADFLAGS       0x211
#define HDR_KERNEL_ALIGN    0x230
#define HDR_RELOCATABLE     0x234
#define HDR_MIN_ALIGN       0x235
#define HDR_XLOADFLAGS      0x236
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PAYLOAD_OFFSET  0x248
#define HDR_PAYLOAD_LENGTH  0x24c
#define HDR_PREF_ADDRESS    0x258
#define HDR_INIT_SIZE       0x260
#define HDR_END             0x264   /* through init_size (protocol 2.10) */

#define BOOT_FLAG           0xaa55
#define PROTO_PAYLOAD       0x0208  /* payload_offset/length appear */
#define PROTO_ALIGN         0x0205  /* kernel_alignment, relocatable_kernel */
#define PROTO_CMDLINE_SIZE  0x0206
#define PROTO_PREF_ADDRESS  0x020a  /* pref_address, init_size */
#define PROTO_MIN_ALIGN     0x020a
#define PROTO_XLOADFLAGS    0x020c

/* A vmlinux bigger than this is not a kernel but a decompression bomb. */
#define MAX_OUTPUT          (1ull << 30)

static const char *prog = "bzimage-extract";
static const char *in_name;

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: %s: ", prog, in_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static uint16_t le16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* ---- the output buffer ---------------------------------------------- */

struct buf {
    uint8_t *p;
    size_t len, cap;
};

/* Room for at least `more` bytes after len. */
static void buf_reserve(struct buf *b, size_t more, const char *fmt_name)
{
    size_t want = b->len + more;

    if (want > MAX_OUTPUT)
        fail("%s payload decompresses to more than %llu MiB: not a kernel",
             fmt_name, MAX_OUTPUT >> 20);
    if (want <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 1 << 20;
    while (cap < want)
        cap *= 2;
    b->p = realloc(b->p, cap);
    if (!b->p)
        fail("out of memory (%zu bytes)", cap);
    b->cap = cap;
}

/* Room for a streaming decoder's next step: half the buffer free. */
static void buf_grow(struct buf *b, const char *fmt_name)
{
    buf_reserve(b, b->cap - b->len < (1 << 20) ? b->cap + (1 << 20) : 0,
                fmt_name);
}

/* ---- the decompressors ------------------------------------------------
 * Each consumes one stream from in[0..len) into out and returns how many
 * input bytes the stream used; what follows is checked by the caller.  */

static size_t un_gzip(const uint8_t *in, size_t len, struct buf *out)
{
    z_stream s = { .next_in = (uint8_t *)in, .avail_in = len };
    int ret;

    if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)     /* gzip wrapper only */
        fail("gzip: inflateInit2 failed");
    do {
        buf_grow(out, "gzip");
        s.next_out = out->p + out->len;
        s.avail_out = out->cap - out->len;
        ret = inflate(&s, Z_NO_FLUSH);
        out->len = out->cap - s.avail_out;
        if (ret == Z_BUF_ERROR && s.avail_in == 0)
            fail("gzip stream truncated: the input ends before the stream does");
        if (ret != Z_OK && ret != Z_STREAM_END)
            fail("gzip decompression error: zlib %d (%s)", ret,
                 s.msg ? s.msg : zError(ret));
    } while (ret != Z_STREAM_END);
    inflateEnd(&s);
    return len - s.avail_in;
}

static const char *lzma_ret_name(lzma_ret r)
{
    switch (r) {
    case LZMA_FORMAT_ERROR:   return "LZMA_FORMAT_ERROR (not this format)";
    case LZMA_OPTIONS_ERROR:  return "LZMA_OPTIONS_ERROR (unsupported options)";
    case LZMA_DATA_ERROR:     return "LZMA_DATA_ERROR (corrupt data)";
    case LZMA_BUF_ERROR:      return "LZMA_BUF_ERROR (truncated input)";
    case LZMA_MEM_ERROR:      return "LZMA_MEM_ERROR (out of memory)";
    case LZMA_UNSUPPORTED_CHECK: return "LZMA_UNSUPPORTED_CHECK";
    default:                  return "unexpected liblzma error";
    }
}

/* xz (.xz container, one stream) and lzma (the legacy .lzma "alone"). */
static size_t un_liblzma(const uint8_t *in, size_t len, struct buf *out,
                         const char *fmt_name, int alone)
{
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret ret;

    ret = alone ? lzma_alone_decoder(&s, UINT64_MAX)
                : lzma_stream_decoder(&s, UINT64_MAX, 0);
    if (ret != LZMA_OK)
        fail("%s: liblzma decoder init: %s", fmt_name, lzma_ret_name(ret));
    s.next_in = in;
    s.avail_in = len;
    do {
        buf_grow(out, fmt_name);
        s.next_out = out->p + out->len;
        s.avail_out = out->cap - out->len;
        /* LZMA_FINISH: all input is here, so a cut stream is an error. */
        ret = lzma_code(&s, LZMA_FINISH);
        out->len = out->cap - s.avail_out;
        if (ret == LZMA_BUF_ERROR && s.avail_in == 0)
            fail("%s stream truncated: the input ends before the stream does",
                 fmt_name);
        if (ret != LZMA_OK && ret != LZMA_STREAM_END)
            fail("%s decompression error: liblzma %s", fmt_name,
                 lzma_ret_name(ret));
    } while (ret != LZMA_STREAM_END);
    lzma_end(&s);
    return len - s.avail_in;
}

static size_t un_xz(const uint8_t *in, size_t len, struct buf *out)
{
    return un_liblzma(in, len, out, "xz", 0);
}

static size_t un_lzma(const uint8_t *in, size_t len, struct buf *out)
{
    return un_liblzma(in, len, out, "lzma", 1);
}

static size_t un_bzip2(const uint8_t *in, size_t len, struct buf *out)
{
    bz_stream s = { 0 };
    int ret;

    if (len > UINT32_MAX)
        fail("bzip2 payload too large");
    if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
        fail("bzip2: BZ2_bzDecompressInit failed");
    s.next_in = (char *)in;
    s.avail_in = len;
    do {
        buf_grow(out, "bzip2");
        size_t room = out->cap - out->len;
        if (room > UINT32_MAX)
            room = UINT32_MAX;
        s.next_out = (char *)out->p + out->len;
        s.avail_out = room;
        ret = BZ2_bzDecompress(&s);
        out->len += room - s.avail_out;
        if (ret == BZ_OK && s.avail_in == 0 && s.avail_out != 0)
            fail("bzip2 stream truncated: the input ends before the stream does");
        if (ret != BZ_OK && ret != BZ_STREAM_END)
            fail("bzip2 decompression error: libbz2 %d (%s)", ret,
                 ret == BZ_DATA_ERROR ? "BZ_DATA_ERROR, corrupt data" :
                 ret == BZ_DATA_ERROR_MAGIC ? "BZ_DATA_ERROR_MAGIC" :
                 ret == BZ_MEM_ERROR ? "BZ_MEM_ERROR" : "unexpected");
    } while (ret != BZ_STREAM_END);
    BZ2_bzDecompressEnd(&s);
    return len - s.avail_in;
}

static size_t un_zstd(const uint8_t *in, size_t len, struct buf *out)
{
    ZSTD_DCtx *d = ZSTD_createDCtx();
    ZSTD_inBuffer ib = { in, len, 0 };
    size_t ret;

    if (!d)
        fail("zstd: ZSTD_createDCtx failed");
    /* The kernel's `zstd -22 --ultra` may use a window beyond the default. */
    ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 31);   /* ZSTD_WINDOWLOG_MAX_64 */
    do {
        buf_grow(out, "zstd");
        ZSTD_outBuffer ob = { out->p, out->cap, out->len };
        ret = ZSTD_decompressStream(d, &ob, &ib);
        out->len = ob.pos;
        if (ZSTD_isError(ret))
            fail("zstd decompression error: libzstd: %s",
                 ZSTD_getErrorName(ret));
        if (ret != 0 && ib.pos == ib.size && ob.pos < ob.size)
            fail("zstd stream truncated: the input ends before the frame does");
    } while (ret != 0);    /* 0: a frame is complete and flushed */
    ZSTD_freeDCtx(d);
    return ib.pos;
}

/*
 * lz4 "legacy" format (lz4 -l, what the kernel's Makefile uses): the magic,
 * then blocks of [le32 compressed size][data], each at most 8 MiB
 * decompressed.  There is no end marker: the stream ends at the end of the
 * input, at a new legacy magic, or where fewer than 4 bytes are left --
 * or at the kernel's 4-byte size trailer, which is too small a remainder
 * to hold a block and is left for the caller to check.
 */
#define LZ4_LEGACY_MAGIC     0x184c2102
#define LZ4_LEGACY_BLOCK     (8 << 20)

static size_t un_lz4(const uint8_t *in, size_t len, struct buf *out)
{
    size_t pos = 4;     /* after the magic */
    unsigned block = 0;

    while (len - pos > 4) {
        uint32_t csize = le32(in + pos);

        if (csize == LZ4_LEGACY_MAGIC)
            break;
        if (csize > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK))
            fail("lz4 block %u: compressed size %" PRIu32
                 " is larger than any 8 MiB block compresses to: corrupt",
                 block, csize);
        if (csize > len - pos - 4)
            fail("lz4 stream truncated: block %u needs %" PRIu32
                 " bytes, %zu are left", block, csize, len - pos - 4);
        buf_reserve(out, LZ4_LEGACY_BLOCK, "lz4");
        int n = LZ4_decompress_safe((const char *)in + pos + 4,
                                    (char *)out->p + out->len, csize,
                                    LZ4_LEGACY_BLOCK);
        if (n < 0)
            fail("lz4 decompression error: block %u is corrupt "
                 "(LZ4_decompress_safe returned %d)", block, n);
        out->len += n;
        pos += 4 + csize;
        block++;
    }
    if (block == 0)
        fail("lz4 stream truncated: no block after the magic");
    return pos;
}

/*
 * lzo: the lzop file format (what `lzop -9` writes, and what the kernel's
 * lib/decompress_unlzo.c reads): a header, then blocks of
 * [be32 decompressed size (0 = end)][be32 compressed size][checksums][data].
 */
#define LZOP_F_ADLER32_D     0x00000001
#define LZOP_F_ADLER32_C     0x00000002
#define LZOP_F_H_EXTRA_FIELD 0x00000040
#define LZOP_F_CRC32_D       0x00000100
#define LZOP_F_CRC32_C       0x00000200
#define LZOP_F_H_FILTER      0x00000800
#define LZOP_MAX_BLOCK       (64 << 20)

struct cursor {
    const uint8_t *p;
    size_t len, pos;
};

static const uint8_t *take(struct cursor *c, size_t n, const char *what)
{
    if (n > c->len - c->pos)
        fail("lzo stream truncated: the input ends in the %s", what);
    const uint8_t *p = c->p + c->pos;
    c->pos += n;
    return p;
}

static size_t un_lzo(const uint8_t *in, size_t len, struct buf *out)
{
    struct cursor c = { in, len, 9 };   /* after the 9-byte magic */
    unsigned block = 0;

    if (lzo_init() != LZO_E_OK)
        fail("lzo: lzo_init failed");
    const uint8_t *vp = take(&c, 2, "header");
    uint16_t version = vp[0] << 8 | vp[1];
    take(&c, 2, "header");                          /* lib_version */
    if (version >= 0x0940)
        take(&c, 2, "header");                      /* version_needed */
    uint8_t method = *take(&c, 1, "header");
    if (method < 1 || method > 3)
        fail("lzo: method %u is not LZO1X", method);
    if (version >= 0x0940)
        take(&c, 1, "header");                      /* level */
    uint32_t flags = be32(take(&c, 4, "header"));
    if (flags & LZOP_F_H_FILTER)
        take(&c, 4, "header");
    take(&c, 4, "header");                          /* mode */
    take(&c, 4, "header");                          /* mtime_low */
    if (version >= 0x0940)
        take(&c, 4, "header");                      /* mtime_high */
    take(&c, *take(&c, 1, "header"), "header");     /* file name */
    take(&c, 4, "header");                          /* header checksum */
    if (flags & LZOP_F_H_EXTRA_FIELD) {
        take(&c, be32(take(&c, 4, "header")), "header");
        take(&c, 4, "header");
    }

    for (;; block++) {
        uint32_t dlen = be32(take(&c, 4, "block header"));
        if (dlen == 0)
            break;                                  /* end of stream */
        uint32_t clen = be32(take(&c, 4, "block header"));
        if (dlen > LZOP_MAX_BLOCK || clen > dlen)
            fail("lzo block %u: sizes %" PRIu32 "/%" PRIu32 " are corrupt",
                 block, clen, dlen);
        const uint8_t *dsum_adler = NULL, *dsum_crc = NULL;
        if (flags & LZOP_F_ADLER32_D)
            dsum_adler = take(&c, 4, "block header");
        if (flags & LZOP_F_CRC32_D)
            dsum_crc = take(&c, 4, "block header");
        if (clen < dlen && (flags & LZOP_F_ADLER32_C))
            take(&c, 4, "block header");
        if (clen < dlen && (flags & LZOP_F_CRC32_C))
            take(&c, 4, "block header");
        const uint8_t *data = take(&c, clen, "block data");

        buf_reserve(out, dlen, "lzo");
        uint8_t *dst = out->p + out->len;
        if (clen == dlen) {
            memcpy(dst, data, dlen);                /* stored */
        } else {
            lzo_uint n = dlen;
            int r = lzo1x_decompress_safe(data, clen, dst, &n, NULL);
            if (r != LZO_E_OK || n != dlen)
                fail("lzo decompression error: block %u is corrupt "
                     "(lzo1x_decompress_safe returned %d)", block, r);
        }
        if (dsum_adler && lzo_adler32(1, dst, dlen) != be32(dsum_adler))
            fail("lzo decompression error: block %u adler32 mismatch", block);
        if (dsum_crc && lzo_crc32(0, dst, dlen) != be32(dsum_crc))
            fail("lzo decompression error: block %u crc32 mismatch", block);
        out->len += dlen;
    }
    return c.pos;
}

/* ---- formats --------------------------------------------------------- */

struct format {
    const char *name;
    const uint8_t magic[9];
    size_t magic_len;
    size_t (*decompress)(const uint8_t *in, size_t len, struct buf *out);
};

/* The magics of the Linux decompressors (lib/decompress.c). */
static const struct format formats[] = {
    { "gzip",  { 0x1f, 0x8b }, 2, un_gzip },
    { "bzip2", { 'B', 'Z', 'h' }, 3, un_bzip2 },
    { "lzma",  { 0x5d, 0x00, 0x00 }, 3, un_lzma },
    { "xz",    { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, un_xz },
    { "lzo",   { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a }, 9, un_lzo },
    { "lz4",   { 0x02, 0x21, 0x4c, 0x18 }, 4, un_lz4 },
    { "zstd",  { 0x28, 0xb5, 0x2f, 0xfd }, 4, un_zstd },
};

static const struct format *detect(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (len >= formats[i].magic_len &&
            !memcmp(p, formats[i].magic, formats[i].magic_len))
            return &formats[i];
    return NULL;
}

/* ---- the image ------------------------------------------------------- */

struct image {
    uint8_t *data;
    size_t size;
    uint16_t version;
    unsigned setup_sects;       /* as read: 0 means 4 */
    size_t pm_start;            /* the protected-mode part */
    const uint8_t *payload;
    size_t payload_len;
};

static void read_file(const char *path, struct image *im)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail("cannot open: %s", strerror(errno));
    size_t cap = 1 << 20, len = 0, n;
    uint8_t *p = malloc(cap);
    while (p && (n = fread(p + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            p = realloc(p, cap *= 2);
    }
    if (!p)
        fail("out of memory reading the file");
    if (ferror(f))
        fail("read error: %s", strerror(errno));
    fclose(f);
    im->data = p;
    im->size = len;
}

/* The refusals, in the order a loader would meet them. */
static void parse_header(struct image *im)
{
    const uint8_t *d = im->data;

    if (im->size < HDR_VERSION + 2)
        fail("not a bzImage: %zu bytes is too short for a setup header",
             im->size);
    if (le16(d + HDR_BOOT_FLAG) != BOOT_FLAG)
        fail("not a bzImage: boot_flag at 0x1fe is 0x%04x, not 0xaa55",
             le16(d + HDR_BOOT_FLAG));
    if (memcmp(d + HDR_MAGIC, "HdrS", 4))
        fail("not a bzImage: no \"HdrS\" at 0x202 (a pre-2.00 zImage?)");
    im->version = le16(d + HDR_VERSION);
    if (im->version < PROTO_PAYLOAD)
        fail("boot protocol %u.%02u is too old: payload_offset needs 2.08",
             im->version >> 8, im->version & 0xff);
    if (im->size < HDR_END)
        fail("truncated: %zu bytes end inside the setup header", im->size);
    im->setup_sects = d[HDR_SETUP_SECTS];
    im->pm_start = ((im->setup_sects ? im->setup_sects : 4) + 1) * 512;
    uint64_t off = (uint64_t)im->pm_start + le32(d + HDR_PAYLOAD_OFFSET);
    uint64_t len = le32(d + HDR_PAYLOAD_LENGTH);
    if (off + len > im->size)
        fail("truncated: the payload (offset 0x%" PRIx64 ", %" PRIu64
             " bytes) ends past the file's %zu bytes", off, len, im->size);
    im->payload = d + off;
    im->payload_len = len;
}

static const struct format *payload_format(const struct image *im)
{
    const struct format *fmt = detect(im->payload, im->payload_len);
    if (!fmt) {
        char hex[3 * 6 + 1] = "";
        for (size_t i = 0; i < 6 && i < im->payload_len; i++)
            sprintf(hex + 3 * i, " %02x", im->payload[i]);
        fail("unknown payload compression: magic bytes%s",
             im->payload_len ? hex : " (none: empty payload)");
    }
    return fmt;
}

static void check_vmlinux(const struct buf *out)
{
    const Elf64_Ehdr *e = (const void *)out->p;

    if (out->len < sizeof(*e) || memcmp(e->e_ident, ELFMAG, SELFMAG))
        fail("the decompressed payload (%zu bytes) is not an ELF", out->len);
    if (e->e_ident[EI_CLASS] != ELFCLASS64 ||
        e->e_ident[EI_DATA] != ELFDATA2LSB)
        fail("the decompressed payload is an ELF but not ELF64 little-endian");
    if (e->e_machine != EM_X86_64)
        fail("the decompressed payload is an ELF for machine %u, not x86-64",
             e->e_machine);
    if (e->e_type != ET_EXEC)
        fail("the decompressed payload is an ELF of type %u, not ET_EXEC",
             e->e_type);
}

static void extract(struct image *im, const char *out_path)
{
    const struct format *fmt = payload_format(im);
    struct buf out = { 0 };
    size_t used = fmt->decompress(im->payload, im->payload_len, &out);

    /*
     * The kernel build appends the decompressed size as le32 to every
     * format but gzip (scripts/Makefile.lib size_append; gzip's own
     * trailer is that size already).  Accept nothing or exactly that.
     */
    size_t rest = im->payload_len - used;
    if (rest == 4 && le32(im->payload + used) != (uint32_t)out.len)
        fail("%s: the size trailer says %" PRIu32 " bytes, the stream gave %zu",
             fmt->name, le32(im->payload + used), out.len);
    if (rest != 0 && rest != 4)
        fail("%s: %zu unexpected bytes after the end of the stream",
             fmt->name, rest);
    check_vmlinux(&out);

    /* Through a temporary name: a failed write leaves no partial vmlinux. */
    size_t tmp_len = strlen(out_path) + 5;
    char *tmp = malloc(tmp_len);
    snprintf(tmp, tmp_len, "%s.tmp", out_path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        fail("cannot create %s: %s", tmp, strerror(errno));
    if (fwrite(out.p, 1, out.len, f) != out.len || fclose(f) != 0) {
        int err = errno;
        remove(tmp);
        fail("cannot write %s: %s", tmp, strerror(err));
    }
    if (rename(tmp, out_path)) {
        int err = errno;
        remove(tmp);
        fail("cannot rename %s to %s: %s", tmp, out_path, strerror(err));
    }
    printf("%s: %s payload, %zu -> %zu bytes, vmlinux in %s\n", prog,
           fmt->name, im->payload_len, out.len, out_path);
    free(tmp);
    free(out.p);
}

static void info(const struct image *im)
{
    const uint8_t *d = im->data;
    const struct format *fmt = payload_format(im);
    uint16_t v = im->version;

    printf("version            0x%04x (%u.%02u)\n", v, v >> 8, v & 0xff);
    printf("setup_sects        %u%s\n", im->setup_sects,
           im->setup_sects ? "" : " (means 4)");
    printf("protected_mode_at  0x%zx\n", im->pm_start);
    printf("loadflags          0x%02x\n", d[HDR_LOADFLAGS]);
    if (v >= PROTO_XLOADFLAGS)
        printf("xloadflags         0x%04x\n", le16(d + HDR_XLOADFLAGS));
    else
        printf("xloadflags         n/a (protocol < 2.12)\n");
    printf("kernel_alignment   0x%" PRIx32 "\n", le32(d + HDR_KERNEL_ALIGN));
    printf("relocatable_kernel %u\n", d[HDR_RELOCATABLE]);
    if (v >= PROTO_MIN_ALIGN)
        printf("min_alignment      %u\n", d[HDR_MIN_ALIGN]);
    printf("cmdline_size       %" PRIu32 "\n", le32(d + HDR_CMDLINE_SIZE));
    if (v >= PROTO_PREF_ADDRESS) {
        printf("pref_address       0x%" PRIx64 "\n", le64(d + HDR_PREF_ADDRESS));
        printf("init_size          0x%" PRIx32 "\n", le32(d + HDR_INIT_SIZE));
    } else {
        printf("pref_address       n/a (protocol < 2.10)\n");
        printf("init_size          n/a (protocol < 2.10)\n");
    }
    printf("payload_offset     0x%" PRIx32 "\n", le32(d + HDR_PAYLOAD_OFFSET));
    printf("payload_length     %zu\n", im->payload_len);
    printf("compression        %s\n", fmt->name);
}

static void usage(void)
{
    fprintf(stderr, "usage: %s IN.bzImage OUT.vmlinux\n"
                    "       %s --info IN.bzImage\n", prog, prog);
    exit(2);
}

int main(int argc, char **argv)
{
    struct image im = { 0 };
    int show_info = argc == 3 && !strcmp(argv[1], "--info");

    if (argc != 3)
        usage();
    in_name = show_info ? argv[2] : argv[1];
    read_file(in_name, &im);
    parse_header(&im);
    if (show_info)
        info(&im);
    else
        extract(&im, argv[2]);
    return 0;
}
