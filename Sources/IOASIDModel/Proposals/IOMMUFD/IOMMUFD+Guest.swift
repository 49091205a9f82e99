/// What the guest and the device do beside the ioctls: the guest edits its stage-1 tables
/// (`SPEC.md` §2 "Nested HWPTs"), and devices issue DMA that the hardware translates.
extension IOMMUFD {
    /// `GUEST_S1_MAP`: the guest writes leaves into a nested HWPT's stage-1 table; new table pages
    /// go at the lowest free granule above the root, or at `table_gpa`.
    func guestS1Map(hwptID: UInt32, iova: UInt64, gpa: UInt64, length: UInt64, permissions: Permissions, tableGPA: UInt64?,
                    _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let object = s.object(hwptID) else { throw .ENOENT }
        guard case .hwptNested(let n) = object.body else { throw .EINVAL }
        let ram = s.paging(n.parent).flatMap { s.ioas($0.ioas) }?.areas.filter { $0.permissions.contains(.read) }.map(\.range) ?? []
        try writeGuestTable(n.domain, ram: ram, iova: iova, gpa: gpa, length: length, permissions: permissions, tableGPA: tableGPA, &s)
        return .ok
    }

    /// The guest maps IOVA → GPA in its stage-1 table of `domain`. It writes its table pages into
    /// its own memory: every table page (root included) must be guest RAM the walker can read,
    /// i.e. inside `ram` (the stage-2 areas mapped readable); otherwise the guest's own store
    /// faults and nothing is written (EFAULT).
    func writeGuestTable(_ domain: DomainID, ram: [IOVARange], iova: UInt64, gpa: UInt64, length: UInt64, permissions: Permissions,
                         tableGPA: UInt64?, _ s: inout IOMMUFDState) throws(Errno) {
        try s.hardware.update(domain) { d throws(Errno) in
            // The model's budget: a guest table of more than 2^20 smallest pages is refused, so
            // that no single step can take unbounded time (a real guest would run out of memory).
            guard length / d.table.pageSizes.smallest <= 1 << 20 else { throw .ENOMEM }
            var table = d.table
            try table.map(iova: iova, paddr: gpa, size: length, permissions: permissions, stage: .stage1,
                          placement: .guest(first: tableGPA))
            let granule = table.format.granule
            for address in [table.rootAddress] + table.tables.map(\.address) {
                let page = IOVARange(first: address, last: address &+ (granule - 1))
                guard ram.contains(where: { $0.contains(page) }) else { throw .EFAULT }
            }
            d.table = table
        }
    }

    /// `GUEST_S1_UNMAP`: the guest clears leaves; the outcome reports the bytes cleared.
    func guestS1Unmap(hwptID: UInt32, iova: UInt64, length: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let object = s.object(hwptID) else { throw .ENOENT }
        guard case .hwptNested(let n) = object.body else { throw .EINVAL }
        var cleared: UInt64 = 0
        let mode = config.unmapLargeLeaf
        try s.hardware.update(n.domain) { d in
            cleared = d.table.unmap(iova: iova, size: length, largeLeaf: mode, placement: .guest(first: nil))
        }
        return Outcome(.ok, outputs: [OutputField("length", .number(cleared))], principal: cleared)
    }

    /// `TRANSLATE`: a DMA from the device at (PASID, IOVA) through whatever table routes it — a
    /// cached translation first, then a walk that fills the IOTLB. No route: blocked, a fault.
    func translate(device: Int, pasid: UInt32, iova: UInt64, access: Access, _ s: inout IOMMUFDState) -> Outcome {
        translate(device: device, pasid: pasid, iova: iova, access: access, &s.hardware)
    }

    /// TRANSLATE on the hardware alone: every design's DMA.
    func translate(device: Int, pasid: UInt32, iova: UInt64, access: Access, _ hw: inout Hardware) -> Outcome {
        let group = topology.devices[device].group
        guard let route = hw.routes(group: group, pasid: pasid).first(where: { $0.window?.contains(iova) ?? true }),
              let domain = hw.domain(route.domain) else {
            return Outcome(.fault(stage: 1, level: 0))
        }
        let key = Hardware.key(group: group, pasid: pasid)
        // Dirty tracking (§5.2) on a paging domain: a write sets its leaf's dirty bit by a walk,
        // unless the IOTLB entry it hits says the bit is already set.
        let tracksWrites = access == .write && domain.dirtyTracking && domain.dirty.enabled && !domain.isNested
        if let hit = hw.iotlb.lookup(key: key, address: iova) {
            guard hit.permissions.allows(access) else { return Outcome(.fault(stage: 1, level: 0)) }
            if tracksWrites {
                try? hw.update(domain.id) { $0.dirty.recordWrite(IOVARange(first: hit.iova, last: hit.iova + (hit.pageSize - 1)), setsBit: !hit.dirty) }
                if !hit.dirty { hw.iotlb.markDirty(key: key, address: iova) }
            }
            let address = hit.output + (iova - hit.iova)
            return Outcome(.address(address), outputs: [OutputField("page", .number(hit.pageSize)), OutputField("refs", .number(0))],
                           principal: address)
        }
        let result: WalkResult
        if let parentID = domain.parent, let parent = hw.domain(parentID) {
            result = NestedWalk.walk(stage1: domain.table, stage2: parent.table, iova: iova, access: access)
        } else {
            result = domain.table.walk(iova, access: access, stage: domain.stage)
        }
        switch result {
        case .translated(let t):
            // A combined entry remembers its stage-1 part, which tells whose change made it stale.
            var stage1: Translation?
            if domain.isNested, case .translated(let t1) = domain.table.walk(iova, stage: .stage1) { stage1 = t1 }
            hw.iotlb.fill(key: key, tag: UInt32(domain.id), iova: iova, translation: t,
                          source: domain.isNested ? .guest : .kernel, dirty: tracksWrites, stage1: stage1)
            if tracksWrites {
                let base = iova & ~(t.pageSize - 1)
                try? hw.update(domain.id) { $0.dirty.recordWrite(IOVARange(first: base, last: base + (t.pageSize - 1)), setsBit: true) }
            }
            return Outcome(.address(t.output), outputs: [OutputField("page", .number(t.pageSize)), OutputField("refs", .number(UInt64(t.refs)))],
                           principal: t.output)
        case .fault(let f):
            return Outcome(.fault(stage: f.stage.rawValue, level: f.level))
        }
    }
}
