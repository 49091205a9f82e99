/// dev-ioasid's PASIDs (`IOASID_ALLOC_PASID` / `IOASID_FREE_PASID`) from the shared allocator
/// (`PasidAllocation`): system-wide under `pasid-scope = global`, one per fd under `per-vm`.
extension IOMMUFD {
    static let pasidAllocFlag: UInt32 = 1
    static let pasidFreeFlag: UInt32 = 2

    /// A held PASID as `IOMMUFDState.pasids` keeps it: the allocator (0: the system-wide one; an
    /// fd under dev-ioasid's `pasid-scope = per-vm`) in the top bits, so two VMs may hold one number.
    static func pasidKey(_ pasid: UInt32, owner: Int) -> UInt32 { HeldPasid(pasid, owner: owner).word }

    /// The allocator a device's PASIDs come from (see `pasidKey`).
    func pasidOwner(of device: Int, _ s: IOMMUFDState) -> Int {
        config.proposal == .devIOASID && config.pasidScope == .perVM ? s.ioasidFd(of: device) : 0
    }

    func pasidRequest(flags: UInt32, min: UInt32, max: UInt32, freePasid: UInt32, owner: Int = 0, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        switch flags {
        case Self.pasidAllocFlag:
            let p = try PasidAllocation.allocate(min: min, max: max, owner: owner, quota: topology.pasidQuota, &s.pasids)
            return Outcome(.ok, outputs: [OutputField("result", .number(UInt64(p)))], principal: UInt64(p))
        case Self.pasidFreeFlag:
            guard let i = s.pasids.firstIndex(of: Self.pasidKey(freePasid, owner: owner)) else { throw .EINVAL }
            // Only this allocator's users: under per-vm another VM's devices may use the same number.
            let bound = s.hardware.routes.filter { r in
                r.pasid == freePasid && topology.members(of: Int(r.group)).contains { pasidOwner(of: $0, s) == owner }
            }
            switch config.pasidFree {
            case .busyIfBound:
                guard bound.isEmpty else { throw .EBUSY }
            case .unbindFirst:
                // dev-ioasid's PASIDs are attachments: detach every device using it.
                for a in s.attachments where a.pasid == freePasid {
                    for d in topology.devices.indices where a.devices & bit(d) != 0 && pasidOwner(of: d, s) == owner {
                        detach(device: d, pasid: freePasid, &s)
                    }
                }
            case .unchecked:
                break
            }
            s.pasids.remove(at: i)
            return .ok
        default:
            throw .EINVAL
        }
    }
}
