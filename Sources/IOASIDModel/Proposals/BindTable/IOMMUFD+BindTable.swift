/// Bind PASID table vs bind page tables (proposal `bind-table`, `domain/proposals.md` S3, the
/// 2017 virtio-iommu / SMMUv3 / VT-d threads). Two ways for a guest to own stage 1:
///
/// - `BIND_PASID_TABLE` hands the device's whole PASID table to the guest, which then fills its
///   entries (`GUEST_SET_PASID_ENTRY`). Under `pasid-table-owner = guest` the host no longer sees
///   those entries, so its own `ATTACH_PASID` on the device still succeeds (H7); under `host` the
///   guest's writes go through the host, and a PASID the other side uses is EBUSY.
/// - Binding page tables one by one (`VIRTIO_IOMMU_T_ADD_TABLE`): the tables live in GPA space the
///   guest lent to the host (`VIRTIO_IOMMU_T_MEMRESERVE`); a root outside any reserve is ENOSPC
///   ("add_table fails asking for more memreserve"). `VIRTIO_IOMMU_T_RECLAIM` takes a reserve back:
///   under `stage2-pin-tables = yes` a reserve a table uses is EBUSY; under `no` the table is left
///   in memory the guest owns again (H9).
///
/// A guest stage-1 table is a domain of the device's IOMMU format rooted at the table's GPA; the
/// host's own domain (kernel SVA) is an empty domain of that format. Neither makes a promise the
/// `translation` invariant could check; `pasid-unique` and `lifetime` say what breaks.
extension IOMMUFD {
    func bindPasidTable(device: Int, pasidBits: UInt32, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let group = UInt16(topology.devices[device].group)
        guard pasidBits >= 1, Int(pasidBits) <= topology.pasidBits(of: device) else { throw .EINVAL }
        guard !b.delegated.contains(group) else { throw .EBUSY }
        b.delegated.append(group)
        b.delegated.sort()
        return .ok
    }

    /// Whether the host sees every entry at (group, PASID): not when the guest owns the table.
    func hostSeesGuestEntries(group: Int, _ b: BindTableState, _ s: IOMMUFDState) -> Bool {
        !(config.pasidTableOwnedByGuest && b.delegated.contains(UInt16(group)))
    }

    func checkPasid(_ pasid: UInt32, device: Int) throws(Errno) {
        let bits = topology.pasidBits(of: device)
        guard pasid != 0, bits > 0, UInt64(pasid) >> UInt64(bits) == 0 else { throw .EINVAL }
    }

    func guestSetPasidEntry(device: Int, pasid: UInt32, s1Root: UInt64, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let group = topology.devices[device].group
        guard b.delegated.contains(UInt16(group)) else { throw .EINVAL }
        try checkPasid(pasid, device: device)
        let domain = try guestTable(device: device, root: s1Root, &b, &s)
        if hostSeesGuestEntries(group: group, b, s) {
            guard s.hardware.routes(group: group, pasid: pasid).isEmpty else { throw .EBUSY }
            s.hardware.setRoute(group: group, pasid: pasid, domain: domain)
        } else {
            // The guest rewrites its own entry; the host's entry at that PASID, invisible to it, stays.
            let mine = s.hardware.routes(group: group, pasid: pasid).filter { !b.hostDomains.contains($0.domain) }
            for r in mine { dropRoute(r, &b, &s) }
            s.hardware.addRoute(Route(group: group, pasid: pasid, domain: domain))
        }
        return .ok
    }

    func attachPasid(device: Int, pasid: UInt32, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let group = topology.devices[device].group
        try checkPasid(pasid, device: device)
        let existing = s.hardware.routes(group: group, pasid: pasid)
        let visible = hostSeesGuestEntries(group: group, b, s) ? existing : existing.filter { b.hostDomains.contains($0.domain) }
        guard visible.isEmpty else { throw .EBUSY }
        let iommuIndex = topology.devices[device].iommu
        let spec = topology.iommus[iommuIndex]
        guard let table = try? PageTable(format: spec.preset.format) else { throw .EINVAL }
        let domain = s.hardware.allocateDomain { did in
            Domain(id: did, iommu: iommuIndex, preset: spec.preset, enforcesCoherency: false, dirtyTracking: false, stage: .stage1, table: table)
        }
        b.hostDomains.append(domain)
        b.hostDomains.sort()
        s.hardware.addRoute(Route(group: group, pasid: pasid, domain: domain))
        return .ok
    }

    func memreserve(gpa: UInt64, size: UInt64, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard size > 0, let range = IOVARange(start: gpa, length: size) else { throw .EINVAL }
        guard !b.reserves.contains(where: { $0.intersects(range) }) else { throw .EEXIST }
        b.reserves.append(range)
        b.reserves.sort()
        return .ok
    }

    func addTable(device: Int, pasid: UInt32, s1Root: UInt64, reserve: UInt64, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let group = topology.devices[device].group
        try checkPasid(pasid, device: device)
        guard let r = b.reserves.first(where: { $0.first == reserve }) else { throw .ENOENT }
        let granule = topology.iommu(of: device).preset.format.granule
        guard let page = IOVARange(start: s1Root, length: granule), r.contains(page) else { throw .ENOSPC }
        guard s.hardware.routes(group: group, pasid: pasid).isEmpty else { throw .EBUSY }
        let domain = try guestTable(device: device, root: s1Root, &b, &s)
        s.hardware.setRoute(group: group, pasid: pasid, domain: domain)
        if !b.reserveTables.contains(domain) {
            b.reserveTables.append(domain)
            b.reserveTables.sort()
        }
        return .ok
    }

    func removeTable(device: Int, pasid: UInt32, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let group = topology.devices[device].group
        let routes = s.hardware.routes(group: group, pasid: pasid).filter { b.reserveTables.contains($0.domain) }
        guard !routes.isEmpty else { throw .ENOENT }
        for r in routes { dropRoute(r, &b, &s) }
        return .ok
    }

    func reclaim(gpa: UInt64, size: UInt64, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let range = IOVARange(start: gpa, length: size), let i = b.reserves.firstIndex(of: range) else { throw .EINVAL }
        let inUse = b.reserveTables.contains { d in s.hardware.domain(d).map { range.contains($0.table.rootAddress) } ?? false }
        if inUse, config.stage2PinTables { throw .EBUSY }
        b.reserves.remove(at: i)
        return .ok
    }

    /// The domain standing for the guest's stage-1 table at `root` behind the device's IOMMU
    /// (shared by every binding of that table there): nested over the implicit container's stage 2,
    /// which needs nesting hardware (EOPNOTSUPP).
    func guestTable(device: Int, root: UInt64, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> DomainID {
        let iommuIndex = topology.devices[device].iommu
        let spec = topology.iommus[iommuIndex]
        guard spec.nesting else { throw .EOPNOTSUPP }
        let parentHWPT = try autoNestParent(for: device, on: stage2IOAS(&b, &s), &s)
        guard let parent = s.paging(parentHWPT)?.domain else { throw .EINVAL }
        let hostDomains = b.hostDomains
        if let d = s.hardware.domains.first(where: {
            $0.iommu == iommuIndex && !$0.freed && $0.parent == parent && $0.table.rootAddress == root && !hostDomains.contains($0.id)
        }) {
            return d.id
        }
        let s1 = spec.stage1Preset
        guard root % s1.format.granule == 0, let table = try? PageTable(format: s1.format, rootAddress: root) else { throw .EINVAL }
        return s.hardware.allocateDomain { did in
            Domain(id: did, iommu: iommuIndex, preset: s1, enforcesCoherency: false, dirtyTracking: false, stage: .stage1, table: table,
                   parent: parent)
        }
    }

    /// The implicit container's stage-2 IOAS, made at first use.
    func stage2IOAS(_ b: inout BindTableState, _ s: inout IOMMUFDState) -> UInt32 {
        if b.stage2 != 0 { return b.stage2 }
        let id = s.insertObject(.ioas(IOAS()))
        b.stage2 = id
        return id
    }

    /// `VFIO_IOMMU_MAP_DMA iova=GPA` on the implicit container: guest RAM, read and write.
    func stage2Map(vaddr: UInt64, iova: UInt64, size: UInt64, _ b: inout BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        let flags = C.IOMMU_IOAS_MAP_FIXED_IOVA | C.IOMMU_IOAS_MAP_READABLE | C.IOMMU_IOAS_MAP_WRITEABLE
        _ = try ioasMap(IOASMapArgs(flags: flags, ioasID: stage2IOAS(&b, &s), iova: iova, length: size, userVA: vaddr), &s)
        return .ok
    }

    /// `VFIO_IOMMU_UNMAP_DMA` on the implicit container (`IOMMU_IOAS_UNMAP`'s rules; under
    /// `stage2-pin-tables = yes` a GPA holding a bound table's page, or lent by a memreserve
    /// whether or not a table uses it yet (`domain/proposals.md` §4), is EBUSY).
    func stage2Unmap(iova: UInt64, size: UInt64, _ b: BindTableState, _ s: inout IOMMUFDState) -> Step {
        guard b.stage2 != 0 else { return Step(outcome: .errno(.ENOENT)) }
        let reserves = config.stage2PinTables ? b.reserves : []
        return Self.reportingSize(ioasUnmap(ioasID: b.stage2, iova: iova, length: size, alsoLocked: reserves, &s))
    }

    /// `GUEST_S1_MAP dev= pasid=`: the guest writes the table its entry at (device, PASID) points
    /// to — ENOENT when none of the guest's is there; its table pages must be stage-2 RAM (EFAULT).
    func guestS1MapPasid(device: Int, pasid: UInt32, iova: UInt64, gpa: UInt64, length: UInt64, permissions: Permissions,
                         _ b: BindTableState, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let group = topology.devices[device].group
        guard let route = s.hardware.routes(group: group, pasid: pasid).first(where: { !b.hostDomains.contains($0.domain) }) else {
            throw .ENOENT
        }
        let ram = s.ioas(b.stage2)?.areas.filter { $0.permissions.contains(.read) }.map(\.range) ?? []
        try writeGuestTable(route.domain, ram: ram, iova: iova, gpa: gpa, length: length, permissions: permissions, tableGPA: nil, &s)
        return .ok
    }

    /// Removes one route; a domain nothing routes to any more is freed and forgotten.
    func dropRoute(_ r: Route, _ b: inout BindTableState, _ s: inout IOMMUFDState) {
        s.hardware.removeRoute(r)
        guard !s.hardware.routes.contains(where: { $0.domain == r.domain }) else { return }
        s.hardware.freeDomain(r.domain)
        b.hostDomains.removeAll { $0 == r.domain }
        b.reserveTables.removeAll { $0 == r.domain }
    }
}
