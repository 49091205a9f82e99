/// `IOASID_ALLOC_PASID` / `IOASID_FREE_PASID` from the shared allocator (`PasidAllocation`):
/// system-wide under `pasid-scope = global`, one per fd under `per-vm`.
extension DevIOASIDProposal {
    /// The allocator `fd=` draws from: the fd's own under `per-vm`, else the system-wide one (0).
    func fdOwner(_ fd: UInt32) -> Int { context.kernel.config.pasidScope == .perVM ? Int(fd) : 0 }

    /// The allocator a device's PASIDs come from: the fd it joined under `per-vm`.
    func pasidOwner(of device: Int, _ d: DevIOASIDState) -> Int {
        context.kernel.config.pasidScope == .perVM ? d.fd(of: device) : 0
    }

    func allocPasid(fd: UInt32, min: UInt32, max: UInt32, _ d: inout DevIOASIDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        let p = try PasidAllocation.allocate(min: min, max: max, owner: fdOwner(fd), quota: topology.pasidQuota, &d.pasids)
        return Outcome(.ok, outputs: [OutputField("pasid", .number(UInt64(p)))], principal: UInt64(p))
    }

    func freePasid(fd: UInt32, pasid: UInt32, _ d: inout DevIOASIDState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        try checkFd(fd)
        let owner = fdOwner(fd)
        guard let i = d.pasids.firstIndex(of: HeldPasid(pasid, owner: owner).word) else { throw .EINVAL }
        let k = kernel(d)
        // Only this allocator's users: under per-vm another VM's devices may use the same number.
        let users = topology.devices.indices.filter { pasidOwner(of: $0, d) == owner }
        switch k.config.pasidFree {
        case .busyIfBound:
            let bound = s.hardware.routes.contains { r in r.pasid == pasid && topology.members(of: Int(r.group)).contains(where: users.contains) }
            guard !bound else { throw .EBUSY }
        case .unbindFirst:
            // Its PASIDs are attachments: detach every device of this allocator using it.
            for a in s.attachments where a.pasid == pasid {
                for device in users where a.devices & k.bit(device) != 0 { k.detach(device: device, pasid: pasid, &s) }
            }
        case .unchecked:
            break
        }
        d.pasids.remove(at: i)
        return .ok
    }
}
