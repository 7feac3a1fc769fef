/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few UEFI definitions the UEFI entry path (arch/x86/boot/efi-boot.c)
 * uses, written from the UEFI specification: the system table, the boot
 * services it calls, the loaded image, simple file system and file
 * protocols, the memory map, and the PE32+ headers it reads for the base
 * relocations.  Only the members used are spelled out; the others are
 * kept as placeholders so that the layouts match the specification.
 */
#ifndef ASM_EFI_H
#define ASM_EFI_H

#include <hv/types.h>

/* Firmware calls use the Microsoft x64 calling convention. */
#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status_t;
typedef void *efi_handle_t;
typedef uint16_t efi_char16_t;
typedef uint64_t efi_physical_addr_t;

#define EFI_ERROR_BIT         (1UL << 63)
#define EFI_ERR(n)            (EFI_ERROR_BIT | (n))
#define EFI_SUCCESS           0UL
#define EFI_LOAD_ERROR        EFI_ERR(1)
#define EFI_INVALID_PARAMETER EFI_ERR(2)
#define EFI_UNSUPPORTED       EFI_ERR(3)
#define EFI_BAD_BUFFER_SIZE   EFI_ERR(4)
#define EFI_BUFFER_TOO_SMALL  EFI_ERR(5)
#define EFI_NOT_READY         EFI_ERR(6)
#define EFI_DEVICE_ERROR      EFI_ERR(7)
#define EFI_OUT_OF_RESOURCES  EFI_ERR(9)
#define EFI_VOLUME_CORRUPTED  EFI_ERR(10)
#define EFI_NOT_FOUND         EFI_ERR(14)
#define EFI_ABORTED           EFI_ERR(21)
#define EFI_IS_ERROR(s)       (((s)&EFI_ERROR_BIT) != 0)

typedef struct {
    uint32_t data1;
    uint16_t data2, data3;
    uint8_t data4[8];
} efi_guid_t;

/* UEFI tables as the spec lays them out: clang-format 14 reads "efi_status_t (EFIAPI *f)(...)" as a call. */
/* clang-format off */
#define EFI_GUID(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) \
    ((efi_guid_t){ (a), (b), (c), { (d0), (d1), (d2), (d3), (d4), (d5), (d6), (d7) } })

#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
    EFI_GUID(0x5b1b31a1, 0x9562, 0x11d2, 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b)
#define EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID \
    EFI_GUID(0x964e5b22, 0x6459, 0x11d2, 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b)
#define EFI_FILE_INFO_ID \
    EFI_GUID(0x09576e92, 0x6d3f, 0x11d2, 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b)
#define EFI_ACPI_20_TABLE_GUID \
    EFI_GUID(0x8868e871, 0xe4f1, 0x11d3, 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81)
#define EFI_ACPI_10_TABLE_GUID \
    EFI_GUID(0xeb9d2d30, 0x2d88, 0x11d3, 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d)

typedef struct {
    uint64_t signature;
    uint32_t revision;
    uint32_t header_size;
    uint32_t crc32;
    uint32_t reserved;
} efi_table_header_t;

/* ---- console output ---------------------------------------------------- */

typedef struct efi_simple_text_output efi_simple_text_output_t;
struct efi_simple_text_output {
    efi_status_t (EFIAPI *reset)(efi_simple_text_output_t *self, bool extended);
    efi_status_t (EFIAPI *output_string)(efi_simple_text_output_t *self,
                                         efi_char16_t *str);
    void *test_string, *query_mode, *set_mode, *set_attribute;
    void *clear_screen, *set_cursor_position, *enable_cursor;
    void *mode;
};

/* ---- memory ------------------------------------------------------------ */

enum efi_allocate_type {
    EFI_ALLOCATE_ANY_PAGES,
    EFI_ALLOCATE_MAX_ADDRESS,
    EFI_ALLOCATE_ADDRESS,
};

enum efi_memory_type {
    EFI_RESERVED_MEMORY_TYPE,
    EFI_LOADER_CODE,
    EFI_LOADER_DATA,
    EFI_BOOT_SERVICES_CODE,
    EFI_BOOT_SERVICES_DATA,
    EFI_RUNTIME_SERVICES_CODE,
    EFI_RUNTIME_SERVICES_DATA,
    EFI_CONVENTIONAL_MEMORY,
    EFI_UNUSABLE_MEMORY,
    EFI_ACPI_RECLAIM_MEMORY,
    EFI_ACPI_MEMORY_NVS,
    EFI_MEMORY_MAPPED_IO,
    EFI_MEMORY_MAPPED_IO_PORT_SPACE,
    EFI_PAL_CODE,
    EFI_PERSISTENT_MEMORY,
    EFI_UNACCEPTED_MEMORY,
};

/* Walk with the descriptor size GetMemoryMap returns, not sizeof. */
typedef struct {
    uint32_t type;
    uint32_t pad;
    efi_physical_addr_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
} efi_memory_descriptor_t;

#define EFI_PAGE_SHIFT 12

/* ---- boot services ------------------------------------------------------ */

typedef struct {
    efi_table_header_t hdr;
    void *raise_tpl, *restore_tpl;
    efi_status_t (EFIAPI *allocate_pages)(int type, int mem_type,
                                          uint64_t pages,
                                          efi_physical_addr_t *addr);
    efi_status_t (EFIAPI *free_pages)(efi_physical_addr_t addr, uint64_t pages);
    efi_status_t (EFIAPI *get_memory_map)(uint64_t *map_size,
                                          efi_memory_descriptor_t *map,
                                          uint64_t *map_key,
                                          uint64_t *desc_size,
                                          uint32_t *desc_version);
    efi_status_t (EFIAPI *allocate_pool)(int mem_type, uint64_t size,
                                         void **buf);
    efi_status_t (EFIAPI *free_pool)(void *buf);
    void *create_event, *set_timer, *wait_for_event, *signal_event;
    void *close_event, *check_event;
    void *install_protocol_interface, *reinstall_protocol_interface;
    void *uninstall_protocol_interface;
    efi_status_t (EFIAPI *handle_protocol)(efi_handle_t handle,
                                           const efi_guid_t *protocol,
                                           void **iface);
    void *reserved;
    void *register_protocol_notify, *locate_handle, *locate_device_path;
    void *install_configuration_table;
    void *load_image, *start_image, *exit, *unload_image;
    efi_status_t (EFIAPI *exit_boot_services)(efi_handle_t image,
                                              uint64_t map_key);
    void *get_next_monotonic_count, *stall, *set_watchdog_timer;
    void *connect_controller, *disconnect_controller;
    void *open_protocol, *close_protocol, *open_protocol_information;
    void *protocols_per_handle, *locate_handle_buffer, *locate_protocol;
    void *install_multiple_protocol_interfaces;
    void *uninstall_multiple_protocol_interfaces;
    void *calculate_crc32, *copy_mem, *set_mem, *create_event_ex;
} efi_boot_services_t;

typedef struct {
    efi_guid_t vendor_guid;
    void *vendor_table;
} efi_configuration_table_t;

typedef struct {
    efi_table_header_t hdr;
    efi_char16_t *firmware_vendor;
    uint32_t firmware_revision;
    efi_handle_t console_in_handle;
    void *con_in;
    efi_handle_t console_out_handle;
    efi_simple_text_output_t *con_out;
    efi_handle_t standard_error_handle;
    efi_simple_text_output_t *std_err;
    void *runtime_services;
    efi_boot_services_t *boot_services;
    uint64_t number_of_table_entries;
    efi_configuration_table_t *configuration_table;
} efi_system_table_t;

/* ---- loaded image and device paths -------------------------------------- */

typedef struct {
    uint8_t type;
    uint8_t subtype;
    uint8_t length[2];  /* of the whole node, little endian */
} efi_device_path_t;

#define EFI_DP_TYPE_MEDIA       0x04
#define EFI_DP_MEDIA_FILE_PATH  0x04
#define EFI_DP_TYPE_END         0x7f

typedef struct {
    uint32_t revision;
    efi_handle_t parent_handle;
    efi_system_table_t *system_table;
    efi_handle_t device_handle;
    efi_device_path_t *file_path;
    void *reserved;
    uint32_t load_options_size;
    void *load_options;
    void *image_base;
    uint64_t image_size;
    int image_code_type;
    int image_data_type;
    void *unload;
} efi_loaded_image_t;

/* ---- files -------------------------------------------------------------- */

typedef struct efi_file efi_file_t;
struct efi_file {
    uint64_t revision;
    efi_status_t (EFIAPI *open)(efi_file_t *self, efi_file_t **new_handle,
                                efi_char16_t *name, uint64_t mode,
                                uint64_t attributes);
    efi_status_t (EFIAPI *close)(efi_file_t *self);
    void *delete_file;
    efi_status_t (EFIAPI *read)(efi_file_t *self, uint64_t *size, void *buf);
    void *write, *get_position, *set_position;
    efi_status_t (EFIAPI *get_info)(efi_file_t *self, const efi_guid_t *type,
                                    uint64_t *size, void *buf);
    void *set_info, *flush;
};

#define EFI_FILE_MODE_READ 0x1UL

typedef struct efi_simple_file_system efi_simple_file_system_t;
struct efi_simple_file_system {
    uint64_t revision;
    efi_status_t (EFIAPI *open_volume)(efi_simple_file_system_t *self,
                                       efi_file_t **root);
};
/* clang-format on */

typedef struct {
    uint16_t year;
    uint8_t month, day, hour, minute, second, pad1;
    uint32_t nanosecond;
    int16_t time_zone;
    uint8_t daylight, pad2;
} efi_time_t;

typedef struct {
    uint64_t size; /* of this structure, name included */
    uint64_t file_size;
    uint64_t physical_size;
    efi_time_t create_time, last_access_time, modification_time;
    uint64_t attribute;
    efi_char16_t file_name[];
} efi_file_info_t;

/* ---- PE32+ headers (for the base relocations) ------------------------- */

#define PE_DOS_MAGIC          0x5a4d     /* "MZ" */
#define PE_DOS_LFANEW         0x3c       /* offset of e_lfanew */
#define PE_SIGNATURE          0x00004550 /* "PE\0\0" */
#define PE_OPT_MAGIC_PE32PLUS 0x20b
#define PE_DIR_BASERELOC      5

struct pe_coff_header {
    uint16_t machine;
    uint16_t number_of_sections;
    uint32_t time_date_stamp;
    uint32_t pointer_to_symbol_table;
    uint32_t number_of_symbols;
    uint16_t size_of_optional_header;
    uint16_t characteristics;
};

struct pe_data_dir {
    uint32_t rva;
    uint32_t size;
};

struct pe32plus_opt_header {
    uint16_t magic;
    uint8_t major_linker_version, minor_linker_version;
    uint32_t size_of_code;
    uint32_t size_of_initialized_data;
    uint32_t size_of_uninitialized_data;
    uint32_t address_of_entry_point;
    uint32_t base_of_code;
    uint64_t image_base;
    uint32_t section_alignment;
    uint32_t file_alignment;
    uint16_t os_version[2], image_version[2], subsystem_version[2];
    uint32_t win32_version_value;
    uint32_t size_of_image;
    uint32_t size_of_headers;
    uint32_t checksum;
    uint16_t subsystem;
    uint16_t dll_characteristics;
    uint64_t size_of_stack_reserve, size_of_stack_commit;
    uint64_t size_of_heap_reserve, size_of_heap_commit;
    uint32_t loader_flags;
    uint32_t number_of_rva_and_sizes;
    struct pe_data_dir data_dir[];
};

/* A base relocation block: page RVA, block size, then 16-bit entries. */
struct pe_reloc_block {
    uint32_t page_rva;
    uint32_t block_size; /* header included */
};

#define PE_REL_TYPE(e)        ((e) >> 12)
#define PE_REL_OFFSET(e)      ((e)&0xfff)
#define PE_REL_BASED_ABSOLUTE 0
#define PE_REL_BASED_HIGHLOW  3
#define PE_REL_BASED_DIR64    10

#ifndef __ASSEMBLER__
BUILD_BUG_ON(sizeof(efi_memory_descriptor_t) != 40);
BUILD_BUG_ON(sizeof(efi_time_t) != 16);
BUILD_BUG_ON(sizeof(struct pe32plus_opt_header) != 112);
BUILD_BUG_ON(__builtin_offsetof(efi_system_table_t, configuration_table) !=
             112);
BUILD_BUG_ON(__builtin_offsetof(efi_boot_services_t, exit_boot_services) !=
             232);
BUILD_BUG_ON(__builtin_offsetof(efi_loaded_image_t, image_base) != 64);
BUILD_BUG_ON(__builtin_offsetof(efi_file_info_t, attribute) != 72);
#endif

/* The UEFI entry point (PE entry of hv.efi). */
efi_status_t EFIAPI efi_main(efi_handle_t image, efi_system_table_t *systab);

#endif /* ASM_EFI_H */
