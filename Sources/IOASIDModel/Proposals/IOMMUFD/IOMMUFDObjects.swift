/// One mapped area of an IOAS (`struct iopt_area`): a single MAP or COPY, never merged.
public struct Area: Hashable, Sendable {
    public var range: IOVARange
    /// Where the user memory is; physical = user VA on this host.
    public var userVA: UInt64
    /// IOMMU_READ / IOMMU_WRITE as asked (IOMMU_CACHE is always added when laid).
    public var permissions: Permissions
    /// Whether the backing pages were pinned writable (`iopt_pages->writable`): COPY with WRITE
    /// from pages that are not → EPERM.
    public var writablePages: Bool
    /// A COPY shares the source's pages, so it pins nothing new.
    public var sharesPages: Bool
    /// `area->prevent_access`: an unmap asked the accesses pinning it to let go, and they did not
    /// (EDEADLOCK); no access may pin or read it again.
    public var preventAccess = false
    /// What the pages are (`iopt_pages->type`): user memory, a memfd, or a dma-buf.
    public var backing = Backing.user
    /// A dma-buf area whose exporter revoked it (`iopt_dmabuf_revoked`): it maps nothing, in any
    /// domain, for the rest of its life.
    public var revoked = false
    /// The process whose memory this is (`iopt_pages->source_mm`): 0 the VMM, n the model's n-th
    /// other process (`IOMMU_IOAS_MAP process=n`). Pages of a process that exited cannot be pinned.
    public var owner: UInt8 = 0

    /// `IOPT_ADDRESS_USER`, `IOPT_ADDRESS_FILE` (the model's memfd `i`), `IOPT_ADDRESS_DMABUF`
    /// (the dma-buf in slot `i` of the state's list). A file's or dma-buf's pages have their own
    /// physical addresses, which the model keeps in `userVA`: a memfd's where it is mmapped
    /// (`memfd … va=`), a dma-buf's at `DmaBuf.base(slot)`.
    public enum Backing: Hashable, Sendable {
        case user, memfd(UInt8), dmabuf(UInt8)
    }

    /// A dma-buf's pages: never accounted, never split, not the caller's memory.
    public var isDmabuf: Bool {
        if case .dmabuf = backing { return true }
        return false
    }

    public init(range: IOVARange, userVA: UInt64, permissions: Permissions, writablePages: Bool, sharesPages: Bool = false) {
        self.range = range
        self.userVA = userVA
        self.permissions = permissions
        self.writablePages = writablePages
        self.sharesPages = sharesPages
    }
}

/// `struct iommufd_access` as the selftest's emulated driver holds it (selftest.c `struct
/// selftest_access`): the IOAS it is attached to, and the ranges it pinned.
public struct EmulatedAccess: Hashable, Sendable {
    /// `access->ioas` (0: detached).
    public var ioas: UInt32
    /// `MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES`: its ops pin pages (`iova_alignment` PAGE_SIZE).
    public var needsPin: Bool
    /// The driver's `selftest_access_item`s, oldest first.
    public var items: [AccessItem] = []
    /// `next_id` of the driver's items.
    public var nextItem: UInt32 = 0
}

/// One `iommufd_access_pin_pages` the driver has not undone: the IOAS whose areas it pinned.
public struct AccessItem: Hashable, Sendable {
    public var id: UInt32
    public var ioas: UInt32
    public var range: IOVARange
}

/// `struct iommufd_ioas` with its `io_pagetable`.
public struct IOAS: Hashable, Sendable {
    /// Areas sorted by IOVA; they never overlap.
    public var areas: [Area] = []
    /// `allowed_itree`; empty means no restriction.
    public var allowed: [IOVARange] = []
    /// `disable_large_pages` (IOMMU_OPTION_HUGE_PAGES = 0).
    public var disableLargePages = false
    /// The automatic HWPTs on this IOAS in `hwpt_list` order: creation order (`list_add_tail` in
    /// `iommufd_hwpt_paging_alloc`). Ids are reused lowest-first, so this is not id order, and
    /// automatic domain reuse tries them in this order. User-allocated HWPTs are on the kernel's
    /// list too but never tried, so their order is not kept (it would split states for nothing).
    public var hwptOrder: [UInt32] = []
    /// Ranges the selftest reserved with `IOMMU_TEST_OP_ADD_RESERVED` (`iopt_reserve_iova` with
    /// no owner: they stay in `reserved_itree` until the IOAS goes), sorted.
    public var testReserved: [IOVARange] = []

    public init() {}
}

/// A HWPT_PAGING: a domain whose table mirrors an IOAS.
public struct HWPTPaging: Hashable, Sendable {
    public var ioas: UInt32
    public var domain: DomainID
    public var autoDomain: Bool
    public var nestParent: Bool
    /// Allocated with IOMMU_HWPT_ALLOC_PASID.
    public var pasidCompat: Bool
    /// The FAULT object its I/O page faults go to (`IOMMU_HWPT_FAULT_ID_VALID`), else 0.
    public var fault: UInt32 = 0
}

/// A HWPT_NESTED: a guest stage-1 table over a nest parent.
public struct HWPTNested: Hashable, Sendable {
    public var parent: UInt32
    public var domain: DomainID
    public var pasidCompat: Bool
    /// Made by an attach rather than `IOMMU_HWPT_ALLOC`: it goes with its last attachment, and
    /// takes its parent along when that is automatic too.
    public var autoDomain = false
    /// The vIOMMU it was allocated through (`pt_id` = a VIOMMU), else 0. Such a HWPT holds its
    /// reference on the vIOMMU, not on the parent, which is the vIOMMU's
    /// (hw_pagetable.c `iommufd_viommu_alloc_hwpt_nested`, `iommufd_hwpt_nested_destroy`).
    public var viommu: UInt32 = 0
    /// The FAULT object its I/O page faults go to, else 0.
    public var fault: UInt32 = 0
    /// The selftest's mock nested domain keeps four IOTLB slots, each its allocation value
    /// (`IOMMU_TEST_IOTLB_DEFAULT`) until an invalidation zeroes it: bit i set, slot i is zero.
    public var mockIOTLBCleared: UInt8 = 0
}

/// `struct iommufd_viommu`: one VM's slice of a physical IOMMU instance, over a nest-parent HWPT
/// (viommu.c `iommufd_viommu_alloc_ioctl`).
public struct VIOMMU: Hashable, Sendable {
    /// The nest-parent HWPT_PAGING it holds a reference on.
    public var hwpt: UInt32
    /// The physical instance (`viommu->iommu_dev`), a topology IOMMU index: that of the device
    /// it was allocated for.
    public var iommu: Int
    /// `enum iommu_viommu_type`.
    public var type: UInt32
    /// The mock's MMIO page pair userspace may mmap from the iommufd (`iommufd_viommu_alloc_mmap`),
    /// by its offset in the fd, when allocated with data; and how many mappings of it live (each
    /// holds the vIOMMU, `iommufd_fops_vma_open`).
    public var mmapOffset: UInt64?
    public var mmapCount: UInt32 = 0
}

/// `struct iommufd_vdevice`: a device as the guest names it in one vIOMMU (viommu.c
/// `iommufd_vdevice_alloc_ioctl`).
public struct VDevice: Hashable, Sendable {
    public var viommu: UInt32
    /// The DEVICE object (`vdev->idev`): its id, and the topology device it stands for.
    public var deviceID: UInt32
    public var device: Int
    /// The guest's id for it (a virtual stream id on SMMUv3), unique in its vIOMMU.
    public var virtID: UInt64
}

/// `struct iommufd_hw_queue`: a guest queue the IOMMU reads by physical address (a command queue
/// of Tegra241 CMDQV, the selftest's mock queue), in guest memory the vIOMMU's parent IOAS maps
/// (viommu.c `iommufd_hw_queue_alloc_ioctl`).
public struct HWQueue: Hashable, Sendable {
    public var viommu: UInt32
    public var type: UInt32
    /// The driver's queue index (the mock's 0 and 1).
    public var index: UInt32
    /// `nesting_parent_iova` and `length` as given: where the guest put the queue.
    public var iova: UInt64
    public var length: UInt64
    /// The physical address the hardware was given (`base_pa`), the user VA on this host.
    public var basePA: UInt64
    /// The queue this one depends on (`iommufd_hw_queue_depend`), else 0.
    public var depends: UInt32 = 0

    /// The pages the queue's internal access pins, and locks in the IOAS: from `iova` rounded down
    /// to a page to `iova + length` rounded up (`iommufd_hw_queue_alloc_phys`).
    public func pinned(pageSize: UInt64) -> IOVARange {
        let first = iova & ~(pageSize - 1)
        return IOVARange(first: first, last: first &+ (((iova - first) &+ length &+ pageSize &- 1) & ~(pageSize - 1)) &- 1)
    }
}

/// A page request the IOMMU raised for a device at a PASID through a fault-capable HWPT
/// (`struct iopf_group`): queued until read, then awaiting the response its cookie names.
public struct FaultRecord: Hashable, Sendable {
    /// The DEVICE object (the `dev_id` the read reports).
    public var deviceID: UInt32
    public var pasid: UInt32
    public var hwpt: UInt32
    /// 0 while queued; the cookie the read assigned (`xa_alloc` from 1) while awaiting a response.
    public var cookie: UInt32 = 0
}

/// `struct iommufd_fault` (eventq.c): the queue of page requests behind a fault fd.
public struct FaultQueue: Hashable, Sendable {
    /// The fd `IOMMU_FAULT_QUEUE_ALLOC` returned holds a reference until it is closed.
    public var fdOpen = true
    /// Delivered, not yet read (`common.deliver`), oldest first.
    public var queued: [FaultRecord] = []
    /// Read, awaiting a response (`fault->response`), by cookie.
    public var awaiting: [FaultRecord] = []
}

/// `struct iommufd_veventq` (eventq.c, driver.c): a vIOMMU's queue of events of one type.
public struct VEventQueue: Hashable, Sendable {
    public var viommu: UInt32
    public var type: UInt32
    public var depth: UInt32
    public var fdOpen = true
    /// Undelivered events, oldest first: their sequence numbers and the virtual ids they name.
    public var events: [VEvent] = []
    /// The sequence number of the lost-events header at the tail, when the queue overflowed
    /// and nothing was queued since.
    public var lostSequence: UInt32?
    /// The next sequence number (`& INT_MAX`).
    public var sequence: UInt32 = 0
}

public struct VEvent: Hashable, Sendable {
    public var sequence: UInt32
    public var virtID: UInt64
}

/// What an object id names.
public enum ObjectBody: Hashable, Sendable {
    case ioas(IOAS)
    case hwptPaging(HWPTPaging)
    case hwptNested(HWPTNested)
    /// A bound device (`struct iommufd_device`), by topology index.
    case device(Int)
    case viommu(VIOMMU)
    case vdevice(VDevice)
    case hwQueue(HWQueue)
    case fault(FaultQueue)
    case veventq(VEventQueue)
    /// An emulated device's access (`IOMMUFD_OBJ_ACCESS`), created by the selftest's driver.
    case access(EmulatedAccess)

    /// The `IOMMUFD_OBJ_*` name.
    public var kindName: String {
        switch self {
        case .ioas: return "IOAS"
        case .hwptPaging: return "HWPT_PAGING"
        case .hwptNested: return "HWPT_NESTED"
        case .device: return "DEVICE"
        case .viommu: return "VIOMMU"
        case .vdevice: return "VDEVICE"
        case .hwQueue: return "HW_QUEUE"
        case .fault: return "FAULT"
        case .veventq: return "VEVENTQ"
        case .access: return "ACCESS"
        }
    }
}

/// An entry of the per-fd object table.
public struct FDObject: Hashable, Sendable {
    public var id: UInt32
    /// References other objects and drivers hold on it (the kernel's `users` minus the table's
    /// own): `IOMMU_DESTROY` gives EBUSY unless 0.
    public var users: UInt32
    public var body: ObjectBody
}

/// The devices of a group attached at one PASID, and the HWPT they share (`igroup->pasid_attach`).
public struct Attachment: Hashable, Sendable {
    public var group: UInt16
    public var pasid: UInt32
    public var hwpt: UInt32
    /// Bit i set: topology device i attached itself (bookkeeping; the route is per group).
    public var devices: UInt64
}

/// A dma-buf the selftest exported (`IOMMU_TEST_OP_DMABUF_GET`): its fd, size, whether it is
/// revoked now, and whether the fd is still open (areas keep the buffer alive after `close()`).
public struct DmaBuf: Hashable, Sendable {
    public var fd: UInt32
    public var size: UInt64
    public var revoked = false
    public var fdOpen = true

    public init(fd: UInt32, size: UInt64) {
        self.fd = fd
        self.size = size
    }

    /// Where slot `i`'s pages are, physically: apart from user memory and from each other.
    public static func base(_ slot: Int) -> UInt64 { 0x6000_0000_0000 + UInt64(slot) << 32 }
    /// The model numbers a dma-buf's fd 192 + its slot (apart from event fds, 64 + object id).
    public static func fd(slot: Int) -> UInt32 { 192 + UInt32(slot) }
}
