/// The ioctls, over the VM's PASIDs and the hardware.
extension VFIOPasidRequestProposal {
    func pasidRequest(flags: UInt32, min: UInt32, max: UInt32, freePasid: UInt32, _ s: inout State) throws(Errno) -> Outcome {
        switch flags {
        case Operation.allocFlag:
            let p = try PasidAllocation.allocate(min: min, max: max, owner: 0, quota: topology.pasidQuota, &s.pasids)
            return Outcome(.ok, outputs: [OutputField("result", .number(UInt64(p)))], principal: UInt64(p))
        case Operation.freeFlag:
            guard let i = s.pasids.firstIndex(of: freePasid) else { throw .EINVAL }
            let bound = s.hardware.routes.filter { $0.pasid == freePasid }
            switch config.pasidFree {
            case .busyIfBound: guard bound.isEmpty else { throw .EBUSY }
            case .unbindFirst: for r in bound { unbindGuest(group: Int(r.group), pasid: freePasid, &s.hardware) }
            case .unchecked: break
            }
            s.pasids.remove(at: i)
            return .ok
        default:
            throw .EINVAL
        }
    }

    func bind(flags: UInt32, device: Int, hpasid: UInt32, gpgd: UInt64, _ s: inout State) throws(Errno) -> Outcome {
        let group = topology.devices[device].group
        switch flags {
        case Operation.bindFlag:
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
            if let d = s.hardware.domains.first(where: { $0.iommu == iommuIndex && !$0.freed && $0.table.rootAddress == gpgd && isGuestTable($0, s.hardware) }) {
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
        case Operation.unbindFlag:
            guard !s.hardware.routes(group: group, pasid: hpasid).isEmpty else { throw .ENOENT }
            unbindGuest(group: group, pasid: hpasid, &s.hardware)
            return .ok
        default:
            throw .EINVAL
        }
    }

    /// A guest page table's domain: one routed at a PASID by a bind (this design has no other).
    func isGuestTable(_ d: Domain, _ hw: Hardware) -> Bool {
        hw.routes.contains { $0.domain == d.id && $0.pasid != 0 }
    }

    /// Removes the route, and the guest table's domain once nothing routes to it.
    func unbindGuest(group: Int, pasid: UInt32, _ hw: inout Hardware) {
        let domains = hw.routes(group: group, pasid: pasid).map(\.domain)
        hw.clearRoutes(group: group, pasid: pasid)
        for d in domains where !hw.routes.contains(where: { $0.domain == d }) { hw.freeDomain(d) }
    }
}
