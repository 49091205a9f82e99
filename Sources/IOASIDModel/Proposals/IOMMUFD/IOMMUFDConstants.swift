/// Flag and enum values of `include/uapi/linux/iommufd.h` and `vfio.h` that the model uses.
public enum IOMMUFDConstants {
    // enum iommufd_ioas_map_flags
    public static let IOMMU_IOAS_MAP_FIXED_IOVA: UInt32 = 1 << 0
    public static let IOMMU_IOAS_MAP_WRITEABLE: UInt32 = 1 << 1
    public static let IOMMU_IOAS_MAP_READABLE: UInt32 = 1 << 2
    public static let mapFlags: UInt32 = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE

    // enum iommufd_hwpt_alloc_flags
    public static let IOMMU_HWPT_ALLOC_NEST_PARENT: UInt32 = 1 << 0
    public static let IOMMU_HWPT_ALLOC_DIRTY_TRACKING: UInt32 = 1 << 1
    public static let IOMMU_HWPT_FAULT_ID_VALID: UInt32 = 1 << 2
    public static let IOMMU_HWPT_ALLOC_PASID: UInt32 = 1 << 3

    // enum iommufd_hw_info_flags, iommu_hw_info_type, iommufd_hw_capabilities
    public static let IOMMU_HW_INFO_FLAG_INPUT_TYPE: UInt32 = 1 << 0
    public static let IOMMU_HW_INFO_TYPE_DEFAULT: UInt32 = 0
    public static let IOMMU_HW_INFO_TYPE_INTEL_VTD: UInt32 = 1
    public static let IOMMU_HW_INFO_TYPE_ARM_SMMUV3: UInt32 = 2
    public static let IOMMU_HW_INFO_TYPE_SELFTEST: UInt32 = 0xfeedbeef
    public static let IOMMU_HW_CAP_DIRTY_TRACKING: UInt64 = 1 << 0

    // enum iommufd_hwpt_set_dirty_tracking_flags, iommufd_hwpt_get_dirty_bitmap_flags
    public static let IOMMU_HWPT_DIRTY_TRACKING_ENABLE: UInt32 = 1 << 0
    public static let IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR: UInt32 = 1 << 0

    // enum iommu_viommu_type
    public static let IOMMU_VIOMMU_TYPE_DEFAULT: UInt32 = 0
    public static let IOMMU_VIOMMU_TYPE_ARM_SMMUV3: UInt32 = 1
    public static let IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV: UInt32 = 2
    /// drivers/iommu/iommufd/iommufd_test.h
    public static let IOMMU_VIOMMU_TYPE_SELFTEST: UInt32 = 0xdeadbeef

    // enum iommu_hwpt_data_type, and the selftest's
    public static let IOMMU_HWPT_DATA_NONE: UInt32 = 0
    public static let IOMMU_HWPT_DATA_VTD_S1: UInt32 = 1
    public static let IOMMU_HWPT_DATA_ARM_SMMUV3: UInt32 = 2
    public static let IOMMU_HWPT_DATA_SELFTEST: UInt32 = 0xdead

    // enum iommu_hw_queue_type
    public static let IOMMU_HW_QUEUE_TYPE_DEFAULT: UInt32 = 0
    public static let IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV: UInt32 = 1
    public static let IOMMU_HW_QUEUE_TYPE_SELFTEST: UInt32 = 0xdeadbeef
    /// iommufd_test.h: the mock vIOMMU's queues.
    public static let IOMMU_TEST_HW_QUEUE_MAX: UInt32 = 2

    // enum iommu_hwpt_invalidate_data_type, iommu_viommu_invalidate_data_type, and the
    // selftest's (iommufd_test.h)
    public static let IOMMU_HWPT_INVALIDATE_DATA_VTD_S1: UInt32 = 1
    public static let IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3: UInt32 = 1
    public static let IOMMU_HWPT_INVALIDATE_DATA_SELFTEST: UInt32 = 0xdeadbeef
    public static let IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST: UInt32 = 0xdeadbeef
    public static let IOMMU_TEST_INVALIDATE_FLAG_ALL: UInt32 = 1 << 0
    public static let IOMMU_VTD_INV_FLAGS_LEAF: UInt32 = 1 << 0
    /// selftest.c: the mock nested domain's IOTLB ids and a mock device's cache ids are 0…3.
    public static let MOCK_NESTED_DOMAIN_IOTLB_ID_MAX: UInt32 = 3
    public static let MOCK_DEV_CACHE_ID_MAX: UInt32 = 3
    public static let IOMMU_TEST_IOTLB_DEFAULT: UInt64 = 0xbadbeef
    public static let IOMMU_TEST_DEV_CACHE_DEFAULT: UInt64 = 0xbaddad

    // enum iommu_veventq_type
    public static let IOMMU_VEVENTQ_TYPE_DEFAULT: UInt32 = 0
    public static let IOMMU_VEVENTQ_TYPE_ARM_SMMUV3: UInt32 = 1
    public static let IOMMU_VEVENTQ_TYPE_SELFTEST: UInt32 = 0xbeefbeef

    // enum iommufd_option / iommufd_option_ops
    public static let IOMMU_OPTION_RLIMIT_MODE: UInt32 = 0
    public static let IOMMU_OPTION_HUGE_PAGES: UInt32 = 1
    public static let IOMMU_OPTION_OP_SET: UInt16 = 0
    public static let IOMMU_OPTION_OP_GET: UInt16 = 1

    // vfio.h: VFIO_DEVICE_ATTACH_PASID / VFIO_DEVICE_DETACH_PASID
    public static let VFIO_DEVICE_ATTACH_PASID: UInt32 = 1 << 0
    public static let VFIO_DEVICE_DETACH_PASID: UInt32 = 1 << 0

    // vfio.h: the type1 container
    public static let VFIO_TYPE1_IOMMU: UInt64 = 1
    public static let VFIO_TYPE1v2_IOMMU: UInt64 = 3
    public static let VFIO_DMA_MAP_FLAG_READ: UInt32 = 1 << 0
    public static let VFIO_DMA_MAP_FLAG_WRITE: UInt32 = 1 << 1
    public static let VFIO_DMA_UNMAP_FLAG_ALL: UInt32 = 1 << 1
    public static let VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP: UInt32 = 1 << 0
    public static let VFIO_DMA_UNMAP_FLAG_VADDR: UInt32 = 1 << 2
    // vfio.h: VFIO_CHECK_EXTENSION's arguments, VFIO_IOMMU_GET_INFO's flags and capability ids
    public static let VFIO_API_VERSION: UInt64 = 0
    public static let VFIO_DMA_CC_IOMMU: UInt64 = 4
    public static let VFIO_TYPE1_NESTING_IOMMU: UInt64 = 6
    public static let VFIO_UNMAP_ALL: UInt64 = 9
    public static let VFIO_UPDATE_VADDR: UInt64 = 10
    public static let VFIO_IOMMU_INFO_PGSIZES: UInt32 = 1 << 0
    public static let VFIO_IOMMU_INFO_CAPS: UInt32 = 1 << 1
    public static let VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE: UInt16 = 1
    public static let VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL: UInt16 = 3
    // iommufd.h: enum iommufd_vfio_ioas_op
    public static let IOMMU_VFIO_IOAS_GET: UInt16 = 0
    public static let IOMMU_VFIO_IOAS_SET: UInt16 = 1
    public static let IOMMU_VFIO_IOAS_CLEAR: UInt16 = 2
    /// The selftest driver's access flags (`iommufd_test.h`).
    public static let MOCK_FLAGS_ACCESS_WRITE: UInt32 = 1 << 0
    public static let MOCK_FLAGS_ACCESS_SYZ: UInt32 = 1 << 16
    public static let MOCK_ACCESS_RW_WRITE: UInt32 = 1 << 0
    public static let MOCK_ACCESS_RW_SLOW_PATH: UInt32 = 1 << 2
    public static let MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES: UInt32 = 1 << 0

    /// Every named constant, for the model language.
    public static let named: [String: UInt64] = [
        "IOMMU_IOAS_MAP_FIXED_IOVA": 1, "IOMMU_IOAS_MAP_WRITEABLE": 2, "IOMMU_IOAS_MAP_READABLE": 4,
        "FIXED_IOVA": 1, "WRITEABLE": 2, "READABLE": 4,
        "IOMMU_HWPT_ALLOC_NEST_PARENT": 1, "IOMMU_HWPT_ALLOC_DIRTY_TRACKING": 2,
        "IOMMU_HWPT_FAULT_ID_VALID": 4, "IOMMU_HWPT_ALLOC_PASID": 8,
        "IOMMU_OPTION_RLIMIT_MODE": 0, "IOMMU_OPTION_HUGE_PAGES": 1,
        "IOMMU_OPTION_OP_SET": 0, "IOMMU_OPTION_OP_GET": 1,
        "VFIO_DEVICE_ATTACH_PASID": 1, "VFIO_DEVICE_DETACH_PASID": 1,
        "IOMMU_HWPT_DATA_NONE": 0, "IOMMU_HWPT_DATA_VTD_S1": 1, "IOMMU_HWPT_DATA_ARM_SMMUV3": 2, "IOMMU_HWPT_DATA_SELFTEST": 0xdead,
        "IOMMU_HW_INFO_FLAG_INPUT_TYPE": 1, "IOMMU_HW_INFO_TYPE_DEFAULT": 0, "IOMMU_HW_INFO_TYPE_NONE": 0,
        "IOMMU_HW_INFO_TYPE_INTEL_VTD": 1, "IOMMU_HW_INFO_TYPE_ARM_SMMUV3": 2, "IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV": 3,
        "IOMMU_HW_INFO_TYPE_SELFTEST": 0xfeedbeef, "IOMMU_HW_CAP_DIRTY_TRACKING": 1,
        "IOMMU_VIOMMU_TYPE_DEFAULT": 0, "IOMMU_VIOMMU_TYPE_ARM_SMMUV3": 1, "IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV": 2,
        "IOMMU_VIOMMU_TYPE_SELFTEST": 0xdeadbeef,
        "IOMMU_HW_QUEUE_TYPE_DEFAULT": 0, "IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV": 1, "IOMMU_HW_QUEUE_TYPE_SELFTEST": 0xdeadbeef,
        "IOMMU_TEST_HW_QUEUE_MAX": 2,
        "IOMMU_VEVENTQ_TYPE_DEFAULT": 0, "IOMMU_VEVENTQ_TYPE_ARM_SMMUV3": 1, "IOMMU_VEVENTQ_TYPE_SELFTEST": 0xbeefbeef,
        "IOMMUFD_PAGE_RESP_SUCCESS": 0, "IOMMUFD_PAGE_RESP_INVALID": 1,
        "IOMMU_HWPT_INVALIDATE_DATA_VTD_S1": 1, "IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3": 1,
        "IOMMU_HWPT_INVALIDATE_DATA_SELFTEST": 0xdeadbeef, "IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID": 0xdadbeef,
        "IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST": 0xdeadbeef, "IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID": 0xdadbeef,
        "IOMMU_TEST_INVALIDATE_FLAG_ALL": 1, "IOMMU_VTD_INV_FLAGS_LEAF": 1,
        "MOCK_NESTED_DOMAIN_IOTLB_ID_MAX": 3, "MOCK_DEV_CACHE_ID_MAX": 3,
        "MOCK_FLAGS_ACCESS_WRITE": 1, "MOCK_FLAGS_ACCESS_SYZ": 0x10000, "MOCK_ACCESS_RW_WRITE": 1, "MOCK_ACCESS_RW_SLOW_PATH": 4,
        "MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES": 1,
        "IOMMU_TEST_IOTLB_DEFAULT": 0xbadbeef, "IOMMU_TEST_DEV_CACHE_DEFAULT": 0xbaddad,
        "CMDQ_OP_CFGI_CD": 0x05, "CMDQ_OP_CFGI_CD_ALL": 0x06, "CMDQ_OP_TLBI_NH_ALL": 0x10, "CMDQ_OP_TLBI_NH_ASID": 0x11,
        "CMDQ_OP_TLBI_NH_VA": 0x12, "CMDQ_OP_TLBI_NH_VAA": 0x13, "CMDQ_OP_TLBI_S12_VMALL": 0x28, "CMDQ_OP_TLBI_NSNH_ALL": 0x30,
        "CMDQ_OP_ATC_INV": 0x40, "CMDQ_OP_CFGI_STE": 0x03,
        "IOMMU_HWPT_DIRTY_TRACKING_ENABLE": 1, "IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR": 1,
        "VFIO_TYPE1_IOMMU": 1, "VFIO_TYPE1v2_IOMMU": 3, "TYPE1": 1, "TYPE1v2": 3,
        "VFIO_DMA_MAP_FLAG_READ": 1, "VFIO_DMA_MAP_FLAG_WRITE": 2, "VFIO_DMA_UNMAP_FLAG_ALL": 2,
        "VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP": 1, "VFIO_DMA_UNMAP_FLAG_VADDR": 4,
        "VFIO_API_VERSION": 0, "VFIO_SPAPR_TCE_IOMMU": 2, "VFIO_DMA_CC_IOMMU": 4, "VFIO_EEH": 5, "VFIO_TYPE1_NESTING_IOMMU": 6,
        "VFIO_SPAPR_TCE_v2_IOMMU": 7, "VFIO_NOIOMMU_IOMMU": 8, "VFIO_UNMAP_ALL": 9, "VFIO_UPDATE_VADDR": 10,
        "VFIO_IOMMU_INFO_PGSIZES": 1, "VFIO_IOMMU_INFO_CAPS": 2,
        "VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE": 1, "VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION": 2, "VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL": 3,
        "VFIO_IOMMU_DIRTY_PAGES_FLAG_START": 1, "VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP": 2, "VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP": 4,
        "IOMMU_VFIO_IOAS_GET": 0, "IOMMU_VFIO_IOAS_SET": 1, "IOMMU_VFIO_IOAS_CLEAR": 2,
        "IOMMU_READ": 1, "IOMMU_WRITE": 2, "IOMMU_CACHE": 4,
        "ALLOC": 1, "FREE": 2, "VFIO_IOMMU_FLAG_ALLOC_PASID": 1, "VFIO_IOMMU_FLAG_FREE_PASID": 2,
        "BIND_GUEST_PGTBL": 1, "UNBIND_GUEST_PGTBL": 2,
    ]
}
