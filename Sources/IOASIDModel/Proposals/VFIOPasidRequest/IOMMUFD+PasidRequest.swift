/// `VFIO_IOMMU_PASID_REQUEST` and `VFIO_IOMMU_BIND` (proposal `vfio-pasid-request`,
/// `domain/proposals.md` S4: Liu Yi L's 2020 series). The model's one container is the VM: it
/// allocates system-wide PASIDs, then binds guest page tables to them on its devices. PASID
/// scope is `global`: once PASID p serves a guest address space (a `gpgd`) on some device, p may
/// serve only that address space on any device, and that address space only at p.
///
/// Where the series was vague the model chooses (`docs/vfio-pasid-request.md`): ALLOC hands out
/// the lowest free PASID of [max(min, 1), max], or ENOSPC when none is left or the VM holds its
/// `quota=` already; FREE of a PASID the VM does not hold is
/// EINVAL; UNBIND of a PASID not bound on the device is ENOENT; a guest page table stands for an
/// address space whose contents the host never sees (a domain of the IOMMU's format rooted at
/// `gpgd`, with no promise the `translation` invariant could check).
extension IOMMUFD {
    static let pasidAllocFlag: UInt32 = 1
    static let pasidFreeFlag: UInt32 = 2
    static let bindFlag: UInt32 = 1
    static let unbindFlag: UInt32 = 2

    /// A held PASID as `IOMMUFDState.pasids` keeps it: the allocator (0: the system-wide one; an
    /// fd under dev-ioasid's `pasid-scope = per-vm`) in the top bits, so two VMs may hold one number.
    static func pasidKey(_ pasid: UInt32, owner: Int) -> UInt32 { UInt32(owner) << 24 | pasid }

    /// The allocator a device's PASIDs come from (see `pasidKey`).
    func pasidOwner(of device: Int, _ s: IOMMUFDState) -> Int {
        config.proposal == .devIOASID && config.pasidScope == .perVM ? s.ioasidFd(of: device) : 0
    }

    func pasidRequest(flags: UInt32, min: UInt32, max: UInt32, freePasid: UInt32, owner: Int = 0, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        switch flags {
        case Self.pasidAllocFlag:
            // 20-bit PASIDs; PASID 0 is the RID (IOMMU_NO_PASID) and never handed out.
            guard min <= max, max < 1 << 20 else { throw .EINVAL }
            // The VM's quota (its ioasid_set): an allocation past it fails as an exhausted range does.
            if let quota = topology.pasidQuota, s.pasids.count >= quota { throw .ENOSPC }
            guard let p = (Swift.max(min, 1)...max).first(where: { !s.pasids.contains(Self.pasidKey($0, owner: owner)) }) else { throw .ENOSPC }
            let key = Self.pasidKey(p, owner: owner)
            s.pasids.insert(key, at: s.pasids.firstIndex { $0 > key } ?? s.pasids.count)
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
            case .unbindFirst where config.proposal == .devIOASID:
                // dev-ioasid's PASIDs are attachments: detach every device using it.
                for a in s.attachments where a.pasid == freePasid {
                    for d in topology.devices.indices where a.devices & bit(d) != 0 && pasidOwner(of: d, s) == owner {
                        detach(device: d, pasid: freePasid, &s)
                    }
                }
            case .unbindFirst:
                for r in bound { unbindGuest(group: Int(r.group), pasid: freePasid, &s) }
            case .unchecked:
                break
            }
            s.pasids.remove(at: i)
            return .ok
        default:
            throw .EINVAL
        }
    }

    func vfioBind(flags: UInt32, device: Int, hpasid: UInt32, gpgd: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let group = topology.devices[device].group
        switch flags {
        case Self.bindFlag:
            guard s.pasids.contains(hpasid) else { throw .EINVAL }
            let bits = topology.pasidBits(of: device)
            guard bits > 0, UInt64(hpasid) >> UInt64(bits) == 0 else { throw .EINVAL }
            guard s.hardware.routes(group: group, pasid: hpasid).isEmpty else { throw .EBUSY }
            // The global rule (per VM: the same with the model's one VM), both ways.
            for r in s.hardware.routes where r.pasid != 0 && config.pasidScope != .perDevice {
                guard let root = s.hardware.domain(r.domain)?.table.rootAddress else { continue }
                if r.pasid == hpasid, root != gpgd { throw .EINVAL }
                if root == gpgd, r.pasid != hpasid { throw .EINVAL }
            }
            let iommuIndex = topology.devices[device].iommu
            let domain: DomainID
            if let d = s.hardware.domains.first(where: { $0.iommu == iommuIndex && !$0.freed && $0.table.rootAddress == gpgd && isGuestTable($0, s) }) {
                domain = d.id
            } else {
                let spec = topology.iommus[iommuIndex]
                guard let table = try? PageTable(format: spec.preset.format, rootAddress: gpgd) else { throw .EINVAL }
                domain = s.hardware.allocateDomain { did in
                    Domain(id: did, iommu: iommuIndex, preset: spec.preset, enforcesCoherency: false, dirtyTracking: false, stage: .stage1, table: table)
                }
            }
            s.hardware.setRoute(group: group, pasid: hpasid, domain: domain)
            return .ok
        case Self.unbindFlag:
            guard !s.hardware.routes(group: group, pasid: hpasid).isEmpty else { throw .ENOENT }
            unbindGuest(group: group, pasid: hpasid, &s)
            return .ok
        default:
            throw .EINVAL
        }
    }

    /// A guest page table's domain: one routed at a PASID by a bind (this proposal has no other).
    func isGuestTable(_ d: Domain, _ s: IOMMUFDState) -> Bool {
        s.hardware.routes.contains { $0.domain == d.id && $0.pasid != 0 }
    }

    /// Removes the route, and the guest table's domain once nothing routes to it.
    func unbindGuest(group: Int, pasid: UInt32, _ s: inout IOMMUFDState) {
        let domains = s.hardware.routes(group: group, pasid: pasid).map(\.domain)
        s.hardware.clearRoutes(group: group, pasid: pasid)
        for d in domains where !s.hardware.routes.contains(where: { $0.domain == d }) { s.hardware.freeDomain(d) }
    }
}
