/// HW page tables (`hw_pagetable.c`, §5) and `IOMMU_DESTROY` (§2.1).
extension IOMMUFD {
    /// `IOMMU_HWPT_ALLOC` (§5.1), in its order of checks.
    func hwptAlloc(_ a: HWPTAllocArgs, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard a.reserved == 0 else { throw .EOPNOTSUPP }
        // The data type and length must agree before anything is looked up.
        guard a.dataConsistent else { throw .EINVAL }
        guard case .device(let device)? = s.object(a.devID)?.body else { throw .ENOENT }
        // A failed pt_id lookup is EINVAL here, not ENOENT (hw_pagetable.c).
        guard let pt = s.object(a.ptID) else { throw .EINVAL }
        let iommu = topology.iommu(of: device)
        let id: UInt32
        switch pt.body {
        case .ioas:
            let known = C.IOMMU_HWPT_ALLOC_NEST_PARENT | C.IOMMU_HWPT_ALLOC_DIRTY_TRACKING | C.IOMMU_HWPT_FAULT_ID_VALID | C.IOMMU_HWPT_ALLOC_PASID
            guard a.flags & ~known == 0 else { throw .EOPNOTSUPP }
            // Paging domains take no driver data, except the mock's own type (selftest.c).
            if a.effectiveDataLen != 0 {
                guard let d = NestedData(for: topology.iommu(of: device)), d.type == IOMMUFDConstants.IOMMU_HWPT_DATA_SELFTEST,
                      a.effectiveDataType(device: device, topology) == d.type, a.s1Format == nil else { throw .EOPNOTSUPP }
            }
            // selftest.c __mock_domain_alloc_paging: the data's pagetable_type picks the mock's
            // table; MOCK_IOMMUPT_HUGE maps 1M pages. MOCK_IOMMUPT_AMDV1 (a real AMD v1 table) is
            // not modelled and refused like an unknown type (EOPNOTSUPP) [M].
            var table: FormatPreset?
            if a.pagetableType != 0 {
                guard a.effectiveDataLen != 0, iommu.preset == .mock, a.pagetableType == 1 else { throw .EOPNOTSUPP }
                table = .mockHuge
            }
            let nestParent = a.flags & C.IOMMU_HWPT_ALLOC_NEST_PARENT != 0
            let dirty = a.flags & C.IOMMU_HWPT_ALLOC_DIRTY_TRACKING != 0
            if dirty, !topology.devices[device].dirtyTracking { throw .EOPNOTSUPP }
            if a.flags & C.IOMMU_HWPT_FAULT_ID_VALID != 0, nestParent { throw .EOPNOTSUPP }
            // Driver: nest parents need nesting hardware; ARM stage 2 has no dirty tracking.
            if nestParent, !iommu.nesting { throw .EOPNOTSUPP }
            if nestParent, dirty, iommu.preset.format.family == .armLPAE { throw .EOPNOTSUPP }
            id = try allocatePaging(ioasID: a.ptID, device: device, nestParent: nestParent, dirty: dirty,
                                    pasidCompat: a.flags & C.IOMMU_HWPT_ALLOC_PASID != 0, auto: false, table: table, &s)
            try addDomain(hwptID: id, &s)
        case .hwptPaging(let parent):
            guard a.flags & ~(C.IOMMU_HWPT_FAULT_ID_VALID | C.IOMMU_HWPT_ALLOC_PASID) == 0 else { throw .EOPNOTSUPP }
            // No driver data (`!user_data->len`).
            guard a.effectiveDataLen != 0 else { throw .EOPNOTSUPP }
            guard !parent.autoDomain, parent.nestParent,
                  let parentDomain = s.hardware.domain(parent.domain),
                  topology.iommus[parentDomain.iommu].preset == iommu.preset else { throw .EINVAL }
            guard iommu.nesting else { throw .EOPNOTSUPP }
            // VT-d checks a nested domain against the device only when it is attached
            // (intel/nested.c intel_iommu_domain_alloc_nested has no such check; the attach runs
            // paging_domain_compatible on the stage-2 parent); SMMUv3 ties it to its instance.
            if parentDomain.preset.format.family != .vtdSecondStage {
                guard scopeAllows(parentDomain, behind: topology.devices[device].iommu) else { throw .EINVAL }
            }
            try checkNestedData(a, device: device)
            let domainID = try allocateNestedDomain(s1: a.s1Format ?? iommu.stage1Preset, root: a.s1Root, over: parentDomain, for: device, &s)
            id = s.insertObject(.hwptNested(HWPTNested(parent: a.ptID, domain: domainID, pasidCompat: a.flags & C.IOMMU_HWPT_ALLOC_PASID != 0)))
            s.addUsers(a.ptID, 1)
        case .viommu(let viommu):
            id = try viommuNestedAlloc(a, viommu: viommu, device: device, &s)
        default:
            // A nested HWPT cannot parent another; any other object is not a page table.
            throw .EINVAL
        }
        // The HWPT is made; a fault_id that names no FAULT aborts it (iommufd_get_fault: ENOENT).
        if a.flags & C.IOMMU_HWPT_FAULT_ID_VALID != 0 {
            guard case .fault? = s.object(a.faultID)?.body, let i = s.objectIndex(id) else { throw .ENOENT }
            switch s.objects[i].body {
            case .hwptPaging(var h): h.fault = a.faultID; s.objects[i].body = .hwptPaging(h)
            case .hwptNested(var n): n.fault = a.faultID; s.objects[i].body = .hwptNested(n)
            default: break
            }
            s.addUsers(a.faultID, 1)
        }
        return Outcome(.ok, outputs: [OutputField("out_hwpt_id", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// The driver's own checks of a nested domain's data (`domain_alloc_nested`): a type other than
    /// its own is EOPNOTSUPP, a length short of its struct's required fields EINVAL
    /// (`iommu_copy_struct_from_user`).
    func checkNestedData(_ a: HWPTAllocArgs, device: Int) throws(Errno) {
        guard let d = NestedData(for: topology.iommu(of: device)) else { throw .EOPNOTSUPP }
        guard a.effectiveDataType(device: device, topology) == d.type else { throw .EOPNOTSUPP }
        guard a.effectiveDataLen >= d.minLength else { throw .EINVAL }
    }

    /// The driver's nested domain (`domain_alloc_nested`): the device's stage-1 format over the
    /// parent's stage 2, its root aligned to the format's granule (EINVAL otherwise).
    func allocateNestedDomain(s1: FormatPreset, root: UInt64, over parentDomain: Domain, for device: Int,
                              _ s: inout IOMMUFDState) throws(Errno) -> DomainID {
        guard s1 == topology.iommu(of: device).stage1Preset, root % s1.format.granule == 0 else { throw .EINVAL }
        let table = (try? PageTable(format: s1.format, rootAddress: root)) ?? PageTable(preset: s1, rootAddress: root)
        return s.hardware.allocateDomain { did in
            Domain(id: did, iommu: topology.devices[device].iommu, preset: s1, enforcesCoherency: parentDomain.enforcesCoherency,
                   dirtyTracking: false, stage: .stage1, table: table, parent: parentDomain.id)
        }
    }

    /// A new domain's page sizes: its IOMMU's, or under `pgsize-source = ops` (the 2015 design)
    /// the union over every IOMMU of its driver (preset), as one `pgsize_bitmap` in the ops.
    func domainPageSizes(_ iommuIndex: Int) -> PageSizes {
        let spec = topology.iommus[iommuIndex]
        guard config.pageSizesFromOps else { return spec.pageSizes }
        return topology.iommus.filter { $0.preset == spec.preset }.reduce(spec.pageSizes) { PageSizes(bitmap: $0.bitmap | $1.pageSizes.bitmap) }
    }

    /// Creates a HWPT_PAGING and its domain for `device` (not yet added to the IOAS). The domain
    /// enforces coherency when the device's IOMMU can (§4.4).
    /// `table`: a driver table other than the IOMMU's own (the mock's `MOCK_IOMMUPT_HUGE`).
    func allocatePaging(ioasID: UInt32, device: Int, nestParent: Bool, dirty: Bool, pasidCompat: Bool, auto: Bool,
                        table preset: FormatPreset? = nil, _ s: inout IOMMUFDState) throws(Errno) -> UInt32 {
        let iommuIndex = topology.devices[device].iommu
        let iommu = topology.iommus[iommuIndex]
        let stage: TranslationStage = nestParent ? .stage2 : .stage1
        let table: PageTable
        if let preset {
            table = PageTable(preset: preset)
        } else {
            guard let t = try? PageTable(format: iommu.preset.format(for: stage), pageSizes: domainPageSizes(iommuIndex)) else { throw .EINVAL }
            table = t
        }
        let domainID = s.hardware.allocateDomain { did in
            Domain(id: did, iommu: iommuIndex, preset: preset ?? iommu.preset, enforcesCoherency: iommu.canEnforceCoherency,
                   dirtyTracking: dirty, stage: nestParent ? .stage2 : .stage1, table: table)
        }
        let hwpt = HWPTPaging(ioas: ioasID, domain: domainID, autoDomain: auto, nestParent: nestParent, pasidCompat: pasidCompat)
        let id = s.insertObject(.hwptPaging(hwpt))
        s.addUsers(ioasID, 1)
        if auto { s.updateIOAS(ioasID) { $0.hwptOrder.append(id) } }
        return id
    }

    /// `iopt_table_add_domain` (§3.6, §3.7): the domain must accept PAGE_SIZE (EINVAL), its
    /// aperture complement is reserved (EADDRINUSE over areas or allowed ranges), the alignment
    /// rises (EADDRINUSE for misaligned areas), and the areas are pinned and laid.
    func addDomain(hwptID: UInt32, _ s: inout IOMMUFDState) throws(Errno) {
        guard let h = s.paging(hwptID), let domain = s.hardware.domain(h.domain), let ioas = s.ioas(h.ioas) else { return }
        guard domain.table.pageSizes.smallest <= pageSize else { throw .EINVAL }
        let aperture = topology.iommus[domain.iommu].aperture.complement
        for r in aperture where ioas.areas.contains(where: { $0.range.intersects(r) }) || ioas.allowed.contains(where: { $0.intersects(r) }) {
            throw .EADDRINUSE
        }
        try checkAreasAligned(h.ioas, s)
        let firstDomain = s.pagingHWPTs(on: h.ioas).count == 1
        if firstDomain { try pin(ioas.areas, withoutIOAS: h.ioas, s) }
        try s.hardware.update(h.domain) { d throws(Errno) in
            for area in ioas.areas { try lay(area, in: &d, smallPages: ioas.disableLargePages) }
        }
    }

    /// Pins an IOAS's areas when its first domain arrives (accounted as if it had none yet).
    private func pin(_ areas: [Area], withoutIOAS ioasID: UInt32, _ s: IOMMUFDState) throws(Errno) {
        var before = s
        before.objects.removeAll { o in
            if case .hwptPaging(let h) = o.body { return h.ioas == ioasID }
            return false
        }
        try pin(areas, before)
    }

    /// An automatic nest-parent HWPT of IOAS `ioasID` that the device's IOMMU accepts, else a new
    /// one: the stage 2 of the designs that nest without a user-made parent (dev-ioasid's nested
    /// IOASIDs, bind-table's guest tables).
    func autoNestParent(for device: Int, on ioasID: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> UInt32 {
        let iommuIndex = topology.devices[device].iommu
        for (id, h) in s.pagingHWPTs(on: ioasID) where h.autoDomain && h.nestParent {
            if let domain = s.hardware.domain(h.domain), scopeAllows(domain, behind: iommuIndex) { return id }
        }
        let id = try allocatePaging(ioasID: ioasID, device: device, nestParent: true, dirty: false, pasidCompat: true, auto: true, &s)
        try addDomain(hwptID: id, &s)
        return id
    }

    /// `IOMMU_DESTROY` (§2.1).
    func destroy(_ id: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let object = s.object(id) else { throw .ENOENT }
        // A bound device always has its driver as a user; unbinding is CLOSE, not DESTROY.
        if case .device = object.body { throw .EBUSY }
        if object.users > 0, config.destroyCheck == .refcount { throw .EBUSY }
        destroyObject(id, &s)
        return .ok
    }

    /// Frees an object and drops the references it held.
    func destroyObject(_ id: UInt32, _ s: inout IOMMUFDState) {
        guard let object = s.object(id) else { return }
        s.removeObject(id)
        switch object.body {
        case .ioas:
            // main.c iommufd_object_remove: the compat IOAS pointer goes with the object.
            if s.vfioIOAS == id { s.vfioIOAS = 0 }
            tidyDmabufs(&s)
        case .device:
            break
        case .hwptPaging(let h):
            s.addUsers(h.ioas, -1)
            if h.fault != 0 { s.addUsers(h.fault, -1) }
            s.updateIOAS(h.ioas) { $0.hwptOrder.removeAll { $0 == id } }
            s.hardware.freeDomain(h.domain)
        case .hwptNested(let n):
            s.addUsers(n.viommu != 0 ? n.viommu : n.parent, -1)
            if n.fault != 0 { s.addUsers(n.fault, -1) }
            s.hardware.freeDomain(n.domain)
        case .viommu(let v):
            s.addUsers(v.hwpt, -1)
        case .vdevice(let v):
            s.addUsers(v.viommu, -1)
        case .hwQueue(let q):
            // iommufd_hw_queue_destroy: the access unpins and detaches; the driver undepends.
            s.addUsers(q.viommu, -1)
            if q.depends != 0 { s.addUsers(q.depends, -1) }
        case .fault:
            // iommufd_fault_destroy answers whatever is left INVALID.
            break
        case .veventq(let q):
            s.addUsers(q.viommu, -1)
        case .access(let a):
            // Only reached under destroy-check = none (the driver holds a reference otherwise).
            if a.ioas != 0 { s.addUsers(a.ioas, -1) }
        }
    }

    /// Whether the driver lets `domain` be attached behind IOMMU `iommuIndex` (`domain-scope`;
    /// `domain/proposals.md` §3). Never across presets (another driver: core EINVAL) except
    /// under `shared`.
    func scopeAllows(_ domain: Domain, behind iommuIndex: Int) -> Bool {
        let owner = topology.iommus[domain.iommu], target = topology.iommus[iommuIndex]
        switch config.domainScope {
        case .shared:
            return true
        case .instance:
            return domain.iommu == iommuIndex
        case .compatible:
            guard owner.preset == target.preset else { return false }
            // SMMUv3 ties a domain to its instance; VT-d checks page sizes and snoop control
            // (`paging_domain_compatible`).
            if owner.preset.format.family == .armLPAE { return domain.iommu == iommuIndex }
            return owner.pageSizes == target.pageSizes && (!domain.enforcesCoherency || target.canEnforceCoherency)
        }
    }
}
