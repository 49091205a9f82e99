/// Hardware queues (`domain/iommufd.md` §7), as the reference tree (jgunthorpe/linux
/// 7815c190f793) has them: viommu.c `iommufd_hw_queue_alloc_ioctl`,
/// `iommufd_hw_queue_alloc_phys`, `iommufd_hw_queue_destroy`; selftest.c
/// `mock_hw_queue_init_phys`; io_pagetable.c `iopt_unmap_iova_range` (`area->num_locks`).
extension IOMMUFD {
    /// Whether the vIOMMU's driver can place a queue in physical memory (`get_hw_queue_size` and
    /// `hw_queue_init_phys`) for `type`: the mock's vIOMMU (and the tiny tables, which take the
    /// mock's driver). SMMUv3 has none; Tegra241 CMDQV, which has, is not modelled.
    func hwQueueSupported(_ viommu: VIOMMU, type: UInt32) -> Bool {
        viommu.type == IOMMUFDConstants.IOMMU_VIOMMU_TYPE_SELFTEST && type == IOMMUFDConstants.IOMMU_HW_QUEUE_TYPE_SELFTEST
    }

    /// `IOMMU_HW_QUEUE_ALLOC`, in the kernel's order of checks. The queue pins its pages through
    /// an internal access that locks the areas (an unmap over them is EBUSY), holds its vIOMMU and,
    /// as the mock's queue n > 0 does, the queue n − 1.
    func hwQueueAlloc(_ a: HWQueueAllocArgs, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard a.flags == 0, a.type != C.IOMMU_HW_QUEUE_TYPE_DEFAULT else { throw .EOPNOTSUPP }
        guard a.length != 0 else { throw .EINVAL }
        guard IOVARange(start: a.iova, length: a.length) != nil else { throw .EOVERFLOW }
        guard let viommu = s.viommu(a.viommuID) else { throw .ENOENT }
        guard hwQueueSupported(viommu, type: a.type) else { throw .EOPNOTSUPP }
        let basePA = try pinQueue(a, in: viommu, s)
        // mock_hw_queue_init_phys: index range, a taken index, the previous index missing.
        guard a.index < C.IOMMU_TEST_HW_QUEUE_MAX else { throw .EINVAL }
        let queues = hwQueues(of: a.viommuID, s)
        guard !queues.contains(where: { $0.queue.index == a.index }) else { throw .EEXIST }
        var depends: UInt32 = 0
        if a.index > 0 {
            guard let previous = queues.first(where: { $0.queue.index == a.index - 1 }) else { throw .EIO }
            depends = previous.id
        }
        let queue = HWQueue(viommu: a.viommuID, type: a.type, index: a.index, iova: a.iova, length: a.length, basePA: basePA, depends: depends)
        let id = s.insertObject(.hwQueue(queue))
        s.addUsers(a.viommuID, 1)
        if depends != 0 { s.addUsers(depends, 1) }
        return Outcome(.ok, outputs: [OutputField("out_hw_queue_id", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// `iommufd_hw_queue_alloc_phys`: the page-rounded range must fit (ERANGE), its page array be
    /// allocatable (kvzalloc refuses more than INT_MAX bytes: ENOMEM), the pages be mapped by
    /// contiguous areas of the parent's IOAS (`iommufd_access_pin_pages`: ENOENT) and physically
    /// contiguous (EFAULT). Returns the physical address of `iova`.
    func pinQueue(_ a: HWQueueAllocArgs, in viommu: VIOMMU, _ s: IOMMUFDState) throws(Errno) -> UInt64 {
        let page = pageSize
        let aligned = a.iova & ~(page - 1)
        let (withOffset, o1) = (a.iova - aligned).addingReportingOverflow(a.length)
        let (roundedUp, o2) = withOffset.addingReportingOverflow(page - 1)
        guard !o1, !o2 else { throw .ERANGE }
        let pages = roundedUp / page
        guard pages <= UInt64(Int32.max) / 8 else { throw .ENOMEM }
        let pinned = IOVARange(first: aligned, last: aligned + pages * page - 1)
        guard let parent = s.paging(viommu.hwpt), let ioas = s.ioas(parent.ioas) else { throw .ENOENT }
        let covering = contiguousAreas(from: pinned, in: ioas.areas)
        guard covering.last?.last == pinned.last else { throw .ENOENT }
        // Physical = user VA on this host: the pages are contiguous where the VAs are.
        func pa(_ iova: UInt64) -> UInt64? {
            ioas.areas.first { $0.range.contains(iova) }.map { $0.userVA &+ (iova - $0.range.first) }
        }
        for r in covering.dropFirst() {
            guard let here = pa(r.first), let before = pa(r.first - 1), here == before &+ 1 else { throw .EFAULT }
        }
        return pa(a.iova) ?? 0
    }

    /// Whether the queue's memory is still what the hardware was given: every byte of
    /// `[iova, iova + length)` mapped in the parent's IOAS to `basePA` plus its offset. The
    /// `lifetime` invariant asks it of every live queue (hazard 3 of issue 19).
    func queueBacked(_ q: HWQueue, _ s: IOMMUFDState) -> Bool {
        guard let v = s.viommu(q.viommu), let parent = s.paging(v.hwpt), let ioas = s.ioas(parent.ioas),
              let range = IOVARange(start: q.iova, length: q.length) else { return false }
        var cursor = range.first
        for area in ioas.areas where area.range.last >= cursor {
            guard area.range.first <= cursor, area.userVA &+ (cursor - area.range.first) == q.basePA &+ (cursor - range.first) else { return false }
            if area.range.last >= range.last { return true }
            cursor = area.range.last + 1
        }
        return false
    }

    /// The live queues of a vIOMMU, with their ids.
    func hwQueues(of viommuID: UInt32, _ s: IOMMUFDState) -> [(id: UInt32, queue: HWQueue)] {
        s.objects.compactMap { o in
            if case .hwQueue(let q) = o.body, q.viommu == viommuID { return (o.id, q) }
            return nil
        }
    }

    /// The IOVA ranges live HW queues lock in IOAS `ioasID` (`area->num_locks`), unless
    /// `hw-queue-lock = none`.
    func queueLockedRanges(_ ioasID: UInt32, _ s: IOMMUFDState) -> [IOVARange] {
        guard config.hwQueueLocksAreas else { return [] }
        return s.objects.compactMap { o in
            guard case .hwQueue(let q) = o.body, let v = s.viommu(q.viommu), s.paging(v.hwpt)?.ioas == ioasID else { return nil }
            return q.pinned(pageSize: pageSize)
        }
    }
}

/// The fields of `struct iommu_hw_queue_alloc`.
public struct HWQueueAllocArgs: Hashable, Sendable {
    public var flags: UInt32
    public var viommuID: UInt32
    public var type: UInt32
    public var index: UInt32
    public var iova: UInt64
    public var length: UInt64

    public init(flags: UInt32 = 0, viommuID: UInt32, type: UInt32, index: UInt32, iova: UInt64, length: UInt64) {
        self.flags = flags
        self.viommuID = viommuID
        self.type = type
        self.index = index
        self.iova = iova
        self.length = length
    }
}
