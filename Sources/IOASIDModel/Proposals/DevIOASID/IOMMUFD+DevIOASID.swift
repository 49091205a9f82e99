/// The `/dev/ioasid` RFC (proposal `dev-ioasid`, `domain/proposals.md` S5: Kevin Tian, 2021, with
/// Jason Gunthorpe and David Gibson). It was renamed /dev/iommu and became iommufd, so its calls
/// run on the same io_pagetable and attach code: an IOASID is an IOAS, `ATTACH_IOASID` gives the
/// device an automatic domain of it, and the open question of where IOMMU compatibility is checked
/// is the knob `compat-check` (`attach`, `join`, `none`).
///
/// A nested IOASID (`IOASID_CREATE_NESTING`) is the guest's stage-1 table over a GPA IOASID: an
/// IOAS object that holds no mappings of its own. Attaching it gives the device a nested domain over
/// an automatic nest-parent domain of the GPA IOASID (both found again or made per IOMMU), and both
/// go with their last attachment.
///
/// Where the RFC was vague the model chooses (`docs/dev-ioasid.md`): one fd (`fd=1`; any other is
/// EBADF); joining twice is EBUSY; a RID already attached must be detached first (EBUSY) unless
/// `multi-attach` lets it hold another window; automatic domains are PASID-capable; under
/// `pasid-scope = global` (the default here) PASIDs come from `IOASID_ALLOC_PASID` and attaching
/// one the fd does not hold is EINVAL.
extension IOMMUFD {
    /// Fds 1…N exist from the start (`objects fd=N`); any other is EBADF.
    func checkFd(_ fd: UInt32) throws(Errno) {
        guard fd >= 1, fd <= topology.ioasidFds else { throw .EBADF }
    }

    /// `JOIN_IOASID_FD`: under `compat-check = join` the device must be compatible with the devices
    /// already in that fd (another fd is another VM's business).
    func joinIOASIDFd(device: Int, fd: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        guard s.boundIDs[device] == 0 else { throw .EBUSY }
        s.setIoasidFd(of: device, Int(fd), deviceCount: topology.devices.count)
        _ = try bind(device: device, iommufd: nil, flags: 0, &s)
        return .ok
    }

    func ioasidAlloc(fd: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        var ioas = IOAS()
        ioas.fd = UInt8(fd)
        let id = s.insertObject(.ioas(ioas))
        return Outcome(.ok, outputs: [OutputField("ioasid", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// The IOAS an `ioasid=` field names (ENOENT for anything else).
    func ioasid(_ id: UInt32, _ s: IOMMUFDState) throws(Errno) -> IOAS {
        guard let ioas = s.ioas(id) else { throw .ENOENT }
        return ioas
    }

    func ioasidFree(ioasid id: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        _ = try ioasid(id, s)
        return try destroy(id, &s)
    }

    func ioasidMapDMA(ioasid id: UInt32, iova: UInt64, size: UInt64, vaddr: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        // A nested IOASID's mappings are the guest's stage-1 table, not the host's to edit.
        guard try ioasid(id, s).nest == nil else { throw .EINVAL }
        let flags = C.IOMMU_IOAS_MAP_FIXED_IOVA | C.IOMMU_IOAS_MAP_READABLE | C.IOMMU_IOAS_MAP_WRITEABLE
        _ = try ioasMap(IOASMapArgs(flags: flags, ioasID: id, iova: iova, length: size, userVA: vaddr), &s)
        return .ok
    }

    func ioasidSetWindow(ioasid id: UInt32, start: UInt64, last: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        _ = try ioasid(id, s)
        guard start < last else { throw .EINVAL }
        return try allowIOVAs(ioasID: id, ranges: [IOVARange(first: start, last: last)], reserved: 0, &s)
    }

    func attachIOASID(device: Int, ioasid id: UInt32, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard s.boundIDs[device] != 0 else { throw .EINVAL }
        // An IOASID belongs to one fd: a device joined to another cannot use it.
        guard try ioasid(id, s).fd == s.ioasidFd(of: device) else { throw .EINVAL }
        let group = topology.devices[device].group
        let attached = s.attachment(group: group, pasid: pasid).map { $0.devices & bit(device) != 0 } ?? false
        if pasid != 0 {
            if config.pasidScope != .perDevice, !s.pasids.contains(Self.pasidKey(pasid, owner: pasidOwner(of: device, s))) { throw .EINVAL }
            guard !attached else { throw .EBUSY }
        } else {
            guard !attached || addsWindow(device: device, ptID: id, s) else { throw .EBUSY }
        }
        if s.ioas(id)?.nest != nil {
            try attachNested(device: device, ioasid: id, pasid: pasid, &s)
        } else {
            _ = try vfioAttach(device: device, flags: pasid == 0 ? 0 : C.VFIO_DEVICE_ATTACH_PASID, ptID: id, pasid: pasid, &s)
        }
        return .ok
    }

    /// `IOASID_CREATE_NESTING`: over a GPA IOASID (a nested one cannot parent another: EINVAL),
    /// with the guest's table at a page-aligned GPA.
    func ioasidCreateNesting(parent: UInt32, s1Root: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard try ioasid(parent, s).nest == nil, s1Root % pageSize == 0 else { throw .EINVAL }
        var nested = IOAS()
        nested.nest = (parent, s1Root)
        nested.fd = s.ioas(parent)?.fd ?? 0
        let id = s.insertObject(.ioas(nested))
        s.addUsers(parent, 1)
        return Outcome(.ok, outputs: [OutputField("ioasid", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// The device's nested domain for a nested IOASID, over a nest-parent domain of its GPA IOASID.
    func attachNested(device: Int, ioasid id: UInt32, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) {
        guard let (gpa, root) = s.ioas(id)?.nest else { throw .ENOENT }
        let iommuIndex = topology.devices[device].iommu
        let iommu = topology.iommus[iommuIndex]
        guard iommu.nesting else { throw .EOPNOTSUPP }
        let parent = try nestParent(for: device, on: gpa, &s)
        let existing = s.objects.first { o in
            if case .hwptNested(let n) = o.body { return n.ioasid == id && n.parent == parent }
            return false
        }
        let hwpt: UInt32
        if let existing {
            hwpt = existing.id
        } else {
            guard let parentDomain = s.paging(parent).flatMap({ s.hardware.domain($0.domain) }) else { throw .EINVAL }
            let s1 = iommu.stage1Preset
            let table = (try? PageTable(format: s1.format, rootAddress: root)) ?? PageTable(preset: s1, rootAddress: root)
            let domain = s.hardware.allocateDomain { did in
                Domain(id: did, iommu: iommuIndex, preset: s1, enforcesCoherency: parentDomain.enforcesCoherency, dirtyTracking: false,
                       stage: .stage1, table: table, parent: parentDomain.id)
            }
            hwpt = s.insertObject(.hwptNested(HWPTNested(parent: parent, domain: domain, pasidCompat: true, ioasid: id)))
            s.addUsers(parent, 1)
            s.addUsers(id, 1)
        }
        try connect(device: device, pasid: pasid, hwpt: hwpt, replacing: false, &s)
    }

    /// An automatic nest-parent HWPT of the GPA IOASID the device's IOMMU accepts, else a new one.
    func nestParent(for device: Int, on gpa: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> UInt32 {
        let iommuIndex = topology.devices[device].iommu
        for (id, h) in s.pagingHWPTs(on: gpa) where h.autoDomain && h.nestParent {
            if let d = s.hardware.domain(h.domain), scopeAllows(d, behind: iommuIndex) { return id }
        }
        let id = try allocatePaging(ioasID: gpa, device: device, nestParent: true, dirty: false, pasidCompat: true, auto: true, &s)
        try addDomain(hwptID: id, &s)
        return id
    }

    func detachIOASID(device: Int, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try vfioDetach(device: device, flags: pasid == 0 ? 0 : IOMMUFDConstants.VFIO_DEVICE_DETACH_PASID, pasid: pasid, &s)
    }

    func ioasidAllocPasid(fd: UInt32, min: UInt32, max: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        var out = try pasidRequest(flags: Self.pasidAllocFlag, min: min, max: max, freePasid: 0, owner: fdOwner(fd), &s)
        out.outputs = out.outputs.map { OutputField("pasid", $0.value) }
        return out
    }

    func ioasidFreePasid(fd: UInt32, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        return try pasidRequest(flags: Self.pasidFreeFlag, min: 0, max: 0, freePasid: pasid, owner: fdOwner(fd), &s)
    }

    /// The allocator `IOASID_ALLOC_PASID fd=` draws from: the fd's own under `per-vm`, else the
    /// system-wide one.
    func fdOwner(_ fd: UInt32) -> Int { config.pasidScope == .perVM ? Int(fd) : 0 }
}
