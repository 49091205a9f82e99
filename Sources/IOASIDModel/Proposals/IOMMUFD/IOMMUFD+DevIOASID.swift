/// The `/dev/ioasid` RFC (proposal `dev-ioasid`, `domain/proposals.md` S5: Kevin Tian, 2021, with
/// Jason Gunthorpe and David Gibson). It was renamed /dev/iommu and became iommufd, so its calls
/// run on the same io_pagetable and attach code: an IOASID is an IOAS, `ATTACH_IOASID` gives the
/// device an automatic domain of it, and the open question of where IOMMU compatibility is checked
/// is the knob `compat-check` (`attach`, `join`, `none`).
///
/// Where the RFC was vague the model chooses (`docs/dev-ioasid.md`): one fd (`fd=1`; any other is
/// EBADF); joining twice is EBUSY; a RID already attached must be detached first (EBUSY) unless
/// `multi-attach` lets it hold another window; automatic domains are PASID-capable; under
/// `pasid-scope = global` (the default here) PASIDs come from `IOASID_ALLOC_PASID` and attaching
/// one the fd does not hold is EINVAL.
extension IOMMUFD {
    func checkFd(_ fd: UInt32) throws(Errno) {
        guard fd == 1 else { throw .EBADF }
    }

    func joinIOASIDFd(device: Int, fd: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        guard s.boundIDs[device] == 0 else { throw .EBUSY }
        _ = try bind(device: device, iommufd: nil, flags: 0, &s)
        return .ok
    }

    func ioasidAlloc(fd: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        let id = s.insertObject(.ioas(IOAS()))
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
        _ = try ioasid(id, s)
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
        _ = try ioasid(id, s)
        let group = topology.devices[device].group
        let attached = s.attachment(group: group, pasid: pasid).map { $0.devices & bit(device) != 0 } ?? false
        if pasid != 0 {
            if config.pasidScope == .global, !s.pasids.contains(pasid) { throw .EINVAL }
            guard !attached else { throw .EBUSY }
            _ = try vfioAttach(device: device, flags: C.VFIO_DEVICE_ATTACH_PASID, ptID: id, pasid: pasid, &s)
        } else {
            guard !attached || addsWindow(device: device, ptID: id, s) else { throw .EBUSY }
            _ = try vfioAttach(device: device, flags: 0, ptID: id, pasid: 0, &s)
        }
        return .ok
    }

    func detachIOASID(device: Int, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try vfioDetach(device: device, flags: pasid == 0 ? 0 : IOMMUFDConstants.VFIO_DEVICE_DETACH_PASID, pasid: pasid, &s)
    }

    func ioasidAllocPasid(fd: UInt32, min: UInt32, max: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        var out = try pasidRequest(flags: Self.pasidAllocFlag, min: min, max: max, freePasid: 0, &s)
        out.outputs = out.outputs.map { OutputField("pasid", $0.value) }
        return out
    }

    func ioasidFreePasid(fd: UInt32, pasid: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        return try pasidRequest(flags: Self.pasidFreeFlag, min: 0, max: 0, freePasid: pasid, &s)
    }
}
