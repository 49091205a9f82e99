/// iommufd's operations, named as the uAPI names them, with the fields of their structs (`include/uapi/linux/iommufd.h`,
/// `vfio.h`). Devices are topology indices; `dev` is the device whose VFIO fd an ioctl is issued on.
public enum IOMMUFDOperation: Hashable, Sendable {
    /// `IOMMU_IOAS_ALLOC`.
    case ioasAlloc(flags: UInt32)
    /// `IOMMU_IOAS_MAP` (automatic IOVA without `IOMMU_IOAS_MAP_FIXED_IOVA`).
    case ioasMap(IOASMapArgs)
    /// `IOMMU_IOAS_UNMAP`; `iova == 0 && length == U64_MAX` unmaps everything.
    case ioasUnmap(ioasID: UInt32, iova: UInt64, length: UInt64)
    /// `IOMMU_IOAS_COPY`.
    case ioasCopy(IOASCopyArgs)
    /// `IOMMU_IOAS_ALLOW_IOVAS`: replaces the allow list.
    case ioasAllowIOVAs(ioasID: UInt32, ranges: [IOVARange], reserved: UInt32)
    /// `IOMMU_IOAS_IOVA_RANGES`: `capacity` is the `num_iovas` passed in.
    case ioasIOVARanges(ioasID: UInt32, capacity: UInt32, reserved: UInt32)
    /// `IOMMU_OPTION`.
    case option(optionID: UInt32, op: UInt16, objectID: UInt32, value: UInt64, reserved: UInt32)
    /// `IOMMU_HWPT_ALLOC`.
    case hwptAlloc(HWPTAllocArgs)
    /// `IOMMU_GET_HW_INFO` (the driver's data itself is not modelled, only its type and length).
    case getHWInfo(HWInfoArgs)
    /// `IOMMU_HWPT_SET_DIRTY_TRACKING`.
    case setDirtyTracking(hwptID: UInt32, flags: UInt32)
    /// `IOMMU_HWPT_GET_DIRTY_BITMAP` (the bitmap comes back as outputs).
    case getDirtyBitmap(DirtyBitmapArgs)
    /// `IOMMU_VIOMMU_ALLOC`.
    case viommuAlloc(VIOMMUAllocArgs)
    /// `IOMMU_VDEVICE_ALLOC`.
    case vdeviceAlloc(viommuID: UInt32, devID: UInt32, virtID: UInt64)
    /// `IOMMU_HWPT_INVALIDATE` on a nested HWPT or a vIOMMU.
    case hwptInvalidate(InvalidateArgs)
    /// `IOMMU_FAULT_QUEUE_ALLOC`.
    case faultQueueAlloc(flags: UInt32)
    /// `IOMMU_VEVENTQ_ALLOC`.
    case veventqAlloc(viommuID: UInt32, type: UInt32, depth: UInt32, flags: UInt32, reserved: UInt32)
    /// The selftest's `IOMMU_TEST_OP_TRIGGER_IOPF`: the mock device raises a page request.
    case triggerIOPF(devID: UInt32, pasid: UInt32)
    /// The selftest's `IOMMU_TEST_OP_TRIGGER_VEVENT`: the mock device reports a vIOMMU event.
    case triggerVEvent(devID: UInt32)
    /// `read()` of `count` page requests on a FAULT's fd.
    case faultRead(faultID: UInt32, count: UInt32)
    /// `write()` of one page response on a FAULT's fd.
    case faultRespond(faultID: UInt32, cookie: UInt32, code: UInt32)
    /// `read()` of up to `count` events on a vEVENTQ's fd.
    case veventqRead(veventqID: UInt32, count: UInt32)
    /// The selftest's `IOMMU_TEST_OP_MD_CHECK_IOTLB`: a mock nested HWPT's IOTLB slot holds a value.
    case checkMockIOTLB(hwptID: UInt32, iotlbID: UInt32, value: UInt64)
    /// The selftest's `IOMMU_TEST_OP_DEV_CHECK_CACHE`: a mock device's cache slot holds a value.
    case checkMockCache(devID: UInt32, cacheID: UInt32, value: UInt64)
    /// The selftest's `IOMMU_TEST_OP_MD_CHECK_MAP`: a mock HWPT maps an IOVA range to `uptr`.
    case checkMockMap(hwptID: UInt32, iova: UInt64, length: UInt64, uptr: UInt64)
    /// The selftest's `IOMMU_TEST_OP_ADD_RESERVED`: a range of an IOAS no mapping may use.
    case addReserved(ioasID: UInt32, start: UInt64, length: UInt64)
    /// The selftest's emulated device: `IOMMU_TEST_OP_CREATE_ACCESS` on an IOAS.
    case createAccess(ioasID: UInt32, flags: UInt32)
    /// `IOMMU_TEST_OP_ACCESS_PAGES`: the access pins an IOVA range.
    case accessPages(AccessPagesArgs)
    /// `IOMMU_TEST_OP_DESTROY_ACCESS_PAGES`: the driver unpins one of its ranges.
    case destroyAccessPages(fd: UInt32, itemID: UInt32)
    /// `IOMMU_TEST_OP_ACCESS_RW`: the access reads or writes through the IOAS.
    case accessRW(AccessRWArgs)
    /// `IOMMU_TEST_OP_ACCESS_REPLACE_IOAS`.
    case accessReplaceIOAS(fd: UInt32, ioasID: UInt32)
    /// `close()` of the access fd (`test_cmd_destroy_access`).
    case accessClose(fd: UInt32)
    /// `mmap()` / `munmap()` of a vIOMMU's region through the iommufd.
    case mmap(offset: UInt64, length: UInt64)
    case munmap(offset: UInt64)
    /// `close()` of a FAULT's or vEVENTQ's fd.
    case eventFDClose(id: UInt32)
    /// An iommufd ioctl whose struct the scenario sized itself (`size=`, `trailing=`): the size
    /// checks of `iommufd_fops_ioctl` first (`IOMMUFD+StructSize.swift`).
    indirect case sized(IOMMUFDOperation, size: UInt32, trailing: UInt8)
    /// `IOMMU_TEST_OP_DIRTY`: the mock sets the dirty bit under every `stride`-th page of the range
    /// (the user bitmap the selftest fills; `stride` stands in for its pointer).
    case mockSetDirty(hwptID: UInt32, iova: UInt64, length: UInt64, pageSize: UInt64, stride: UInt64)
    /// `IOMMU_TEST_OP_MD_CHECK_REFS`: each user page of the range is pinned `refs` times.
    case checkRefs(uptr: UInt64, length: UInt64, refs: UInt32)
    /// `IOMMU_IOAS_MAP_FILE` (`struct iommu_ioas_map_file`): a memfd's or dma-buf's pages.
    case ioasMapFile(IOASMapFileArgs)
    /// `IOMMU_IOAS_CHANGE_PROCESS`, issued by `process` (0: the VMM; a model-level field).
    case changeProcess(reserved: UInt32, process: UInt8)
    /// A process other than the VMM exits: its memory goes with it.
    case processExit(process: UInt8)
    /// `ftruncate()` of a memfd.
    case ftruncate(fd: UInt32, length: UInt64)
    /// The selftest's dma-bufs: `IOMMU_TEST_OP_DMABUF_GET`, `_DMABUF_REVOKE`, `close()` of one,
    /// and `IOMMU_TEST_OP_MD_CHECK_DMABUF` (a mock HWPT maps the range to the buffer at `offset`).
    case dmabufGet(length: UInt64, openFlags: UInt32)
    case dmabufRevoke(fd: UInt32, revoked: UInt32)
    case dmabufClose(fd: UInt32)
    case checkMockDmabuf(hwptID: UInt32, fd: UInt32, iova: UInt64, length: UInt64, offset: UInt64)
    /// The selftest's own PASID path on a mock device (`IOMMU_TEST_OP_PASID_ATTACH`, `_REPLACE`,
    /// `_DETACH`, `_CHECK_HWPT`): `iommufd_device_attach` / `_replace` / `_detach` at a PASID with
    /// no VFIO in between. The device is named like VFIO's (`dev=`), for its selftest object.
    case testPasidAttach(device: Int, pasid: UInt32, ptID: UInt32)
    case testPasidReplace(device: Int, pasid: UInt32, ptID: UInt32)
    case testPasidDetach(device: Int, pasid: UInt32)
    case testPasidCheckHWPT(device: Int, pasid: UInt32, hwptID: UInt32)
    /// `IOMMU_VFIO_IOAS` (`struct iommu_vfio_ioas`): get, set or clear the compat IOAS.
    case vfioIOAS(op: UInt16, ioasID: UInt32, reserved: UInt16)
    /// The VFIO container ioctls on the iommufd (vfio_compat.c): `VFIO_GET_API_VERSION`,
    /// `VFIO_CHECK_EXTENSION arg=`, `VFIO_SET_IOMMU arg=`, `VFIO_IOMMU_MAP_DMA`,
    /// `VFIO_IOMMU_UNMAP_DMA`, `VFIO_IOMMU_GET_INFO`, and `VFIO_IOMMU_DIRTY_PAGES` (not there).
    case vfioAPIVersion
    case vfioCheckExtension(arg: UInt64)
    case vfioSetIOMMU(arg: UInt64)
    case vfioMapDMA(argsz: UInt32, flags: UInt32, vaddr: UInt64, iova: UInt64, size: UInt64)
    case vfioUnmapDMA(argsz: UInt32, flags: UInt32, iova: UInt64, size: UInt64)
    case vfioGetInfo(argsz: UInt32)
    case vfioDirtyPages(argsz: UInt32, flags: UInt32)
    /// `IOMMU_HW_QUEUE_ALLOC`.
    case hwQueueAlloc(HWQueueAllocArgs)
    /// `IOMMU_DESTROY`.
    case destroy(id: UInt32)
    /// `VFIO_DEVICE_BIND_IOMMUFD`; `iommufd == nil` is the model's iommufd.
    case bind(device: Int, iommufd: Int64?, flags: UInt32)
    /// `VFIO_DEVICE_ATTACH_IOMMUFD_PT` (attach or replace, per VFIO).
    case attach(device: Int, flags: UInt32, ptID: UInt32, pasid: UInt32)
    /// `VFIO_DEVICE_DETACH_IOMMUFD_PT`.
    case detach(device: Int, flags: UInt32, pasid: UInt32)
    /// Closing the device's VFIO fd: PASIDs then the RID are detached, and the device is unbound.
    case close(device: Int)
    /// A DMA by the device: walks the page table routing (device, PASID).
    case translate(device: Int, pasid: UInt32, iova: UInt64, access: Access)
    /// The guest writes its stage-1 table of a nested HWPT.
    case guestS1Map(hwptID: UInt32, iova: UInt64, gpa: UInt64, length: UInt64, permissions: Permissions, tableGPA: UInt64?)
    /// The guest clears part of its stage-1 table.
    case guestS1Unmap(hwptID: UInt32, iova: UInt64, length: UInt64)
}

/// The fields of `struct iommu_ioas_map`.
public struct IOASMapArgs: Hashable, Sendable {
    public var flags: UInt32
    public var ioasID: UInt32
    public var iova: UInt64
    public var length: UInt64
    public var userVA: UInt64
    public var reserved: UInt32
    /// The calling process, a model-level field (0: the VMM).
    public var process: UInt8 = 0

    public init(flags: UInt32, ioasID: UInt32, iova: UInt64 = 0, length: UInt64, userVA: UInt64, reserved: UInt32 = 0) {
        self.flags = flags
        self.ioasID = ioasID
        self.iova = iova
        self.length = length
        self.userVA = userVA
        self.reserved = reserved
    }
}

/// The fields of `struct iommu_ioas_copy`.
public struct IOASCopyArgs: Hashable, Sendable {
    public var flags: UInt32
    public var dstIOASID: UInt32
    public var srcIOASID: UInt32
    public var length: UInt64
    public var dstIOVA: UInt64
    public var srcIOVA: UInt64

    public init(flags: UInt32, dstIOASID: UInt32, srcIOASID: UInt32, length: UInt64, dstIOVA: UInt64 = 0, srcIOVA: UInt64) {
        self.flags = flags
        self.dstIOASID = dstIOASID
        self.srcIOASID = srcIOASID
        self.length = length
        self.dstIOVA = dstIOVA
        self.srcIOVA = srcIOVA
    }
}

/// The fields of `struct iommu_hwpt_alloc`; the stage-1 table a nested HWPT is built over stands in
/// for the driver data (`SPEC.md` §2: `s1_format=` `s1_root=`).
public struct HWPTAllocArgs: Hashable, Sendable {
    public var flags: UInt32
    public var devID: UInt32
    public var ptID: UInt32
    public var faultID: UInt32
    public var reserved: UInt32
    public var s1Format: FormatPreset?
    public var s1Root: UInt64
    /// `data_type` and `data_len` as written; unwritten, they are the driver's own type and
    /// struct size when `s1_format` stands for the data, else NONE and 0.
    public var dataType: UInt32?
    public var dataLen: UInt32?
    /// `struct iommu_hwpt_selftest`'s `pagetable_type` for a mock paging HWPT (the stand-in for
    /// that driver data): 0 the default 2K table, 1 `MOCK_IOMMUPT_HUGE` (1M pages).
    public var pagetableType: UInt32 = 0

    public init(flags: UInt32, devID: UInt32, ptID: UInt32, faultID: UInt32 = 0, reserved: UInt32 = 0,
                s1Format: FormatPreset? = nil, s1Root: UInt64 = 0, dataType: UInt32? = nil, dataLen: UInt32? = nil) {
        self.dataType = dataType
        self.dataLen = dataLen
        self.flags = flags
        self.devID = devID
        self.ptID = ptID
        self.faultID = faultID
        self.reserved = reserved
        self.s1Format = s1Format
        self.s1Root = s1Root
    }
}

extension HWPTAllocArgs {
    /// The length the kernel sees: as written, else the stand-in's (any nonzero length will do
    /// for the checks the model makes, so the struct's required size).
    var effectiveDataLen: UInt32 { dataLen ?? (s1Format != nil && dataType == nil ? NestedData.standInLength : 0) }

    func effectiveDataType(device: Int, _ topology: Topology) -> UInt32 {
        dataType ?? (s1Format != nil ? NestedData(for: topology.iommu(of: device))?.type ?? 0 : 0)
    }

    /// `iommufd_hwpt_alloc`: NONE with a length, or a type without one, is EINVAL. Unwritten fields
    /// follow the stand-in.
    var dataConsistent: Bool {
        let type = dataType ?? (s1Format != nil ? 1 : 0)
        return (type == 0) == (effectiveDataLen == 0)
    }
}

/// A driver's nested-domain data (`enum iommu_hwpt_data_type` and its struct): the mock's
/// `struct iommu_hwpt_selftest` (`iotlb`, 4 bytes required), VT-d's `struct iommu_hwpt_vtd_s1`
/// (through `__reserved`, 24), SMMUv3's `struct iommu_hwpt_arm_smmuv3` (`ste[2]`, 16).
struct NestedData {
    let type: UInt32
    let minLength: UInt32
    static let standInLength: UInt32 = 64

    init?(for iommu: IOMMUSpec) {
        typealias C = IOMMUFDConstants
        switch iommu.preset.format.family {
        case .mock, .tiny: (type, minLength) = (C.IOMMU_HWPT_DATA_SELFTEST, 4)
        case .vtdSecondStage, .x86FirstStage: (type, minLength) = (C.IOMMU_HWPT_DATA_VTD_S1, 24)
        case .armLPAE: (type, minLength) = (C.IOMMU_HWPT_DATA_ARM_SMMUV3, 16)
        }
    }
}

/// The fields of `struct iommu_hwpt_get_dirty_bitmap` (the user bitmap pointer aside).
public struct DirtyBitmapArgs: Hashable, Sendable {
    public var hwptID: UInt32
    public var flags: UInt32
    public var reserved: UInt32
    public var iova: UInt64
    public var length: UInt64
    public var pageSize: UInt64

    public init(hwptID: UInt32, flags: UInt32 = 0, reserved: UInt32 = 0, iova: UInt64, length: UInt64, pageSize: UInt64) {
        self.hwptID = hwptID
        self.flags = flags
        self.reserved = reserved
        self.iova = iova
        self.length = length
        self.pageSize = pageSize
    }
}

/// The fields of `struct iommu_hw_info` a caller writes (`data_uptr` aside).
public struct HWInfoArgs: Hashable, Sendable {
    public var devID: UInt32
    public var flags: UInt32
    public var dataLen: UInt32
    public var inDataType: UInt32
    public var reserved: UInt32

    public init(devID: UInt32, flags: UInt32 = 0, dataLen: UInt32 = 0, inDataType: UInt32 = 0, reserved: UInt32 = 0) {
        self.devID = devID
        self.flags = flags
        self.dataLen = dataLen
        self.inDataType = inDataType
        self.reserved = reserved
    }
}

/// The fields of `struct iommu_ioas_map_file`.
public struct IOASMapFileArgs: Hashable, Sendable {
    public var flags: UInt32
    public var ioasID: UInt32
    public var fd: UInt32
    public var start: UInt64
    public var length: UInt64
    public var iova: UInt64

    public init(flags: UInt32, ioasID: UInt32, fd: UInt32, start: UInt64, length: UInt64, iova: UInt64 = 0) {
        self.flags = flags
        self.ioasID = ioasID
        self.fd = fd
        self.start = start
        self.length = length
        self.iova = iova
    }
}
