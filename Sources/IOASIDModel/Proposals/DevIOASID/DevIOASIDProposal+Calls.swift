/// The calls of the /dev/ioasid RFC over the kernel's shared code. It was renamed /dev/iommu and
/// became iommufd, so its calls run on the same io_pagetable and attach code: an IOASID is an
/// IOAS, and `ATTACH_IOASID` gives the device an automatic domain of it.
///
/// A nested IOASID (`IOASID_CREATE_NESTING`) is the guest's stage-1 table over a GPA IOASID: an
/// IOAS that holds no mappings of its own. Attaching it gives the device an automatic nested
/// domain over an automatic nest-parent domain of the GPA IOASID (both found again or made per
/// IOMMU), and both go with their last attachment.
///
/// Where the RFC was vague the model chooses (`docs/dev-ioasid.md`): fds 1…N exist from the start
/// (`objects fd=N`; any other is EBADF); joining twice is EBUSY; a RID already attached must be
/// detached first (EBUSY) unless `multi-attach` lets it hold another window; automatic domains
/// are PASID-capable; under `pasid-scope = global` (the default here) PASIDs come from
/// `IOASID_ALLOC_PASID` and attaching one the fd does not hold is EINVAL.
extension DevIOASIDProposal {
    typealias C = IOMMUFDConstants

    func checkFd(_ fd: UInt32) throws(Errno) {
        guard fd >= 1, fd <= topology.ioasidFds else { throw .EBADF }
    }

    /// `JOIN_IOASID_FD`: under `compat-check = join` the device must be compatible with the devices
    /// already in that fd (another fd is another VM's business: the kernel's per-VM rules).
    func join(device: Int, fd: UInt32, _ d: inout DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        guard s.boundIDs[device] == 0 else { throw .EBUSY }
        d.setFd(of: device, UInt8(fd), deviceCount: topology.devices.count)
        _ = try kernel(d).bind(device: device, iommufd: nil, flags: 0, &s)
        return .ok
    }

    func alloc(fd: UInt32, _ d: inout DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        let id = s.insertObject(.ioas(IOAS()))
        d.insert(DevIOASIDState.IOASID(id: id, fd: UInt8(fd)))
        return Outcome(.ok, outputs: [OutputField("ioasid", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// The IOASID an `ioasid=` field names (ENOENT for anything else).
    func ioasid(_ id: UInt32, _ d: DevIOASIDState) throws(Errno) -> DevIOASIDState.IOASID {
        guard let x = d.ioasid(id) else { throw .ENOENT }
        return x
    }

    /// `IOASID_FREE`: the kernel's destroy (EBUSY while attached or nested over, by `destroy-check`);
    /// a nested IOASID lets go of its GPA IOASID.
    func free(ioasid id: UInt32, _ d: inout DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let x = try ioasid(id, d)
        _ = try context.kernel.destroy(id, &s)
        if x.isNested { s.addUsers(x.parent, -1) }
        d.ioasids.removeAll { $0.id == id }
        return .ok
    }

    func mapDMA(ioasid id: UInt32, iova: UInt64, size: UInt64, vaddr: UInt64, _ d: DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        // A nested IOASID's mappings are the guest's stage-1 table, not the host's to edit.
        guard try !ioasid(id, d).isNested else { throw .EINVAL }
        let flags = C.IOMMU_IOAS_MAP_FIXED_IOVA | C.IOMMU_IOAS_MAP_READABLE | C.IOMMU_IOAS_MAP_WRITEABLE
        _ = try context.kernel.ioasMap(IOASMapArgs(flags: flags, ioasID: id, iova: iova, length: size, userVA: vaddr), &s)
        return .ok
    }

    func unmapDMA(ioasid id: UInt32, iova: UInt64, size: UInt64, _ d: DevIOASIDState, _ s: inout IOMMUFDState) -> IOMMUFD.Step {
        guard let x = d.ioasid(id) else { return IOMMUFD.Step(outcome: .errno(.ENOENT)) }
        guard !x.isNested else { return IOMMUFD.Step(outcome: .errno(.EINVAL)) }
        return IOMMUFD.reportingSize(context.kernel.ioasUnmap(ioasID: id, iova: iova, length: size, &s))
    }

    func setWindow(ioasid id: UInt32, start: UInt64, last: UInt64, _ d: DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        _ = try ioasid(id, d)
        guard start < last else { throw .EINVAL }
        return try context.kernel.allowIOVAs(ioasID: id, ranges: [IOVARange(first: start, last: last)], reserved: 0, &s)
    }

    func attach(device: Int, ioasid id: UInt32, pasid: UInt32, _ d: inout DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let k = kernel(d)
        guard s.boundIDs[device] != 0 else { throw .EINVAL }
        // An IOASID belongs to one fd: a device joined to another cannot use it.
        let x = try ioasid(id, d)
        guard Int(x.fd) == d.fd(of: device) else { throw .EINVAL }
        let group = topology.devices[device].group
        let attached = s.attachment(group: group, pasid: pasid).map { $0.devices & k.bit(device) != 0 } ?? false
        if pasid != 0 {
            if k.config.pasidScope != .perDevice, !d.pasids.contains(HeldPasid(pasid, owner: pasidOwner(of: device, d)).word) { throw .EINVAL }
            guard !attached else { throw .EBUSY }
        } else {
            guard !attached || k.addsWindow(device: device, ptID: id, s) else { throw .EBUSY }
        }
        if x.isNested {
            try attachNested(device: device, ioasid: x, pasid: pasid, k, &d, &s)
        } else {
            _ = try k.vfioAttach(device: device, flags: pasid == 0 ? 0 : C.VFIO_DEVICE_ATTACH_PASID, ptID: id, pasid: pasid, &s)
        }
        return .ok
    }

    /// `IOASID_CREATE_NESTING`: over a GPA IOASID (a nested one cannot parent another: EINVAL),
    /// with the guest's table at a page-aligned GPA.
    func createNesting(parent: UInt32, s1Root: UInt64, _ d: inout DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let gpa = try ioasid(parent, d)
        guard !gpa.isNested, s1Root % topology.host.pageSize == 0 else { throw .EINVAL }
        let id = s.insertObject(.ioas(IOAS()))
        d.insert(DevIOASIDState.IOASID(id: id, fd: gpa.fd, parent: parent, s1Root: s1Root))
        s.addUsers(parent, 1)
        return Outcome(.ok, outputs: [OutputField("ioasid", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// The device's nested domain for a nested IOASID, over a nest-parent domain of its GPA IOASID.
    func attachNested(device: Int, ioasid x: DevIOASIDState.IOASID, pasid: UInt32, _ k: IOMMUFD,
                      _ d: inout DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) {
        let iommuIndex = topology.devices[device].iommu
        let iommu = topology.iommus[iommuIndex]
        guard iommu.nesting else { throw .EOPNOTSUPP }
        let parent = try k.autoNestParent(for: device, on: x.parent, &s)
        let existing = d.nestedHWPTs.first { $0.ioasid == x.id && s.nested($0.hwpt)?.parent == parent }
        let hwpt: UInt32
        if let existing {
            hwpt = existing.hwpt
        } else {
            guard let parentDomain = s.paging(parent).flatMap({ s.hardware.domain($0.domain) }) else { throw .EINVAL }
            let s1 = iommu.stage1Preset
            let table = (try? PageTable(format: s1.format, rootAddress: x.s1Root)) ?? PageTable(preset: s1, rootAddress: x.s1Root)
            let domain = s.hardware.allocateDomain { did in
                Domain(id: did, iommu: iommuIndex, preset: s1, enforcesCoherency: parentDomain.enforcesCoherency, dirtyTracking: false,
                       stage: .stage1, table: table, parent: parentDomain.id)
            }
            // Ids are reused: forget HWPTs gone by now before this one takes an id.
            settle(&d, &s)
            hwpt = s.insertObject(.hwptNested(HWPTNested(parent: parent, domain: domain, pasidCompat: true, autoDomain: true)))
            s.addUsers(parent, 1)
            s.addUsers(x.id, 1)
            let entry = DevIOASIDState.NestedHWPT(hwpt: hwpt, ioasid: x.id)
            d.nestedHWPTs.insert(entry, at: d.nestedHWPTs.firstIndex { $0.hwpt > hwpt } ?? d.nestedHWPTs.count)
        }
        try k.connect(device: device, pasid: pasid, hwpt: hwpt, replacing: false, &s)
    }

    /// A nested HWPT the kernel let go with its last attachment no longer holds its IOASID.
    func settle(_ d: inout DevIOASIDState, _ s: inout IOMMUFDState) {
        for n in d.nestedHWPTs where s.nested(n.hwpt) == nil { s.addUsers(n.ioasid, -1) }
        d.nestedHWPTs.removeAll { s.nested($0.hwpt) == nil }
    }

    func detach(device: Int, pasid: UInt32, _ d: DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try kernel(d).vfioDetach(device: device, flags: pasid == 0 ? 0 : C.VFIO_DEVICE_DETACH_PASID, pasid: pasid, &s)
    }
}
