/// `translation`: every routed (device, PASID) translates exactly what the user mapped. Compared
/// as sorted segment lists (`Segments`), so the cost follows the number of areas and leaves, not
/// the size of a mapping.
enum TranslationInvariant {
    static func check(_ view: some HardwareView) -> Violation? {
        let hardware = view.hardware, topology = view.topology
        var checked: Set<DomainID> = []
        for route in hardware.routes {
            guard let domain = hardware.domain(route.domain), !domain.freed else { continue }
            let members = topology.members(of: Int(route.group))
            let device = members.first ?? 0
            let actual = actualSegments(domain, hardware)
            if route.window != nil || checked.insert(domain.id).inserted,
               let expected = expectedSegments(domain, view) {
                let window = route.window ?? .all
                let a = clip(actual, to: window), e = clip(expected, to: window)
                if let at = Segments.firstDifference(e, a) {
                    // The names are built only for a violation: every new state is checked.
                    let objects = Invariants.routeObjects(view, device: device, pasid: route.pasid, domain: domain.id)
                    return Violation(.translation, "the walk differs from what the user mapped", objects: objects, address: at,
                                     expected: describe(Segments.lookup(e, at), at), found: describe(Segments.lookup(a, at), at))
                }
            }
            guard route.pasid == 0 else { continue }
            // Reserved regions (MSI doorbells, RMRRs) must never translate on a device's RID route.
            for member in members {
                for region in topology.devices[member].reserved {
                    if let hit = actual.first(where: { $0.range.intersects(region) }) {
                        let at = max(hit.range.first, region.first)
                        return Violation(.translation, "a device's reserved region translates on its RID route",
                                         objects: Invariants.routeObjects(view, device: member, pasid: 0, domain: domain.id),
                                         address: at, expected: "no translation (reserved \(region))", found: describe(hit, at))
                    }
                }
            }
        }
        return staleKernelEntry(view)
    }

    /// `translation.md` §5: a cached entry that disagrees with the tables. Kernel-managed entries
    /// must be gone when an operation returns. A combined entry a guest's stage 1 filled is the
    /// guest's to invalidate (`IOMMU_HWPT_INVALIDATE`) when the guest changed its stage 1 — not a
    /// violation — but the host's when stage 1 still says what it said at the fill: then stage 2
    /// changed under it, and the host's invalidation had to reach it (hazard 4 of issue 19).
    static func staleKernelEntry(_ view: some HardwareView) -> Violation? {
        staleEntry(view, "a cached IOTLB entry disagrees with the page table") { $0.source == .kernel }
            ?? staleEntry(view, "a cached nested translation outlived a stage-2 change the host made") { e in
                e.source == .guest && !e.dropped && stage1Unchanged(e, view.hardware)
            }
            ?? staleEntry(view, "a guest's invalidation the kernel reported handled never reached the IOTLB") { $0.dropped }
    }

    /// SPEC §3's `stale-guest-iotlb`: a combined entry stale because the guest changed its stage 1.
    static func staleGuestEntry(_ view: some HardwareView) -> Violation? {
        staleEntry(view, "a cached IOTLB entry disagrees with the page table") { e in
            e.source == .guest && !e.dropped && !stage1Unchanged(e, view.hardware)
        }
    }

    /// Whether the guest's stage 1 still maps a combined entry's first byte to the GPA, with the
    /// permissions, it had when the entry was filled.
    static func stage1Unchanged(_ entry: IOTLBEntry, _ hardware: Hardware) -> Bool {
        guard let domain = hardware.domain(DomainID(truncatingIfNeeded: entry.tag)),
              case .translated(let t1) = domain.table.walk(entry.iova, stage: .stage1) else { return false }
        return t1.output == entry.gpa && t1.permissions == entry.stage1Permissions
    }

    /// The first cached entry `matching` that disagrees with the tables it was walked from.
    static func staleEntry(_ view: some HardwareView, _ summary: String, matching: (IOTLBEntry) -> Bool) -> Violation? {
        let hardware = view.hardware
        guard hardware.iotlb.entries.contains(where: matching) else { return nil }
        let stale = hardware.iotlb.staleEntries { entry in
            guard let route = hardware.routes(group: Int(entry.key.device), pasid: entry.key.pasid).first,
                  UInt32(route.domain) == entry.tag, let domain = hardware.domain(route.domain) else { return nil }
            if let parent = domain.parent.flatMap(hardware.domain) {
                return NestedWalk.walk(stage1: domain.table, stage2: parent.table, iova: entry.iova)
            }
            return domain.table.walk(entry.iova, stage: domain.stage)
        }
        guard let entry = stale.first(where: matching) else { return nil }
        let device = view.topology.members(of: Int(entry.key.device)).first ?? 0
        return Violation(.translation, summary,
                         objects: Invariants.routeObjects(view, device: device, pasid: entry.key.pasid, domain: DomainID(truncatingIfNeeded: entry.tag)),
                         address: entry.iova, expected: "no stale entry", found: "cached \(SizeText.hex(entry.output)) \(entry.permissions)")
    }

    static func describe(_ segment: Segment?, _ at: UInt64) -> String {
        guard let segment else { return "no translation" }
        return "\(SizeText.hex(segment.translate(at))) \(segment.permissions)"
    }

    static func clip(_ segments: [Segment], to window: IOVARange) -> [Segment] {
        guard window != .all else { return segments }
        return segments.compactMap { s in
            guard s.range.intersects(window) else { return nil }
            let lo = max(s.range.first, window.first), hi = min(s.range.last, window.last)
            return Segment(range: IOVARange(first: lo, last: hi), output: s.translate(lo), permissions: s.permissions)
        }
    }

    /// What the hardware walk gives: the table's leaves; for a nested domain, the stage-1 leaves
    /// whose every table fetch stage 2 can translate, composed with stage 2.
    static func actualSegments(_ domain: Domain, _ hardware: Hardware) -> [Segment] {
        guard let parentID = domain.parent else { return Segments.of(domain.table) }
        guard let parent = hardware.domain(parentID) else { return [] }
        let stage2 = Segments.of(parent.table)
        let s1 = domain.table
        let reachable = s1.leaves.filter { leaf in
            descriptorAddresses(of: leaf, in: s1).allSatisfy { gpa in
                Segments.lookup(stage2, gpa)?.permissions.contains(.read) ?? false
            }
        }
        let first = reachable.map { leaf in
            Segment(range: IOVARange(first: leaf.iova, last: leaf.iova &+ (s1.size(of: leaf) - 1)), output: leaf.output,
                    permissions: leaf.permissions)
        }
        return Segments.compose(Segments.normalized(first), then: stage2)
    }

    /// What the user's mappings promise, with the permissions the domain's stage can express.
    static func expectedSegments(_ domain: Domain, _ view: some HardwareView) -> [Segment]? {
        guard let own = view.intendedSegments(of: domain.id) else { return nil }
        let mine = Segments.normalized(own.map { expressible($0, format: domain.table.format, stage: domain.stage) })
        guard let parentID = domain.parent else { return mine }
        guard let parent = view.hardware.domain(parentID),
              let stage2 = view.intendedSegments(of: parentID) else { return [] }
        let s2 = Segments.normalized(stage2.map { expressible($0, format: parent.table.format, stage: parent.stage) })
        return Segments.compose(mine, then: s2)
    }

    /// Write-only becomes read+write on a stage that cannot express it (`translation.md` §3).
    static func expressible(_ s: Segment, format: PageTableFormat, stage: TranslationStage) -> Segment {
        var s = s
        if s.permissions == .write, !format.expressesWriteOnly(at: stage) { s.permissions = .readWrite }
        return s
    }

    /// The GPAs of the descriptors a walk of `leaf` reads, root first.
    static func descriptorAddresses(of leaf: Leaf, in table: PageTable) -> [UInt64] {
        let format = table.format
        var addresses: [UInt64] = []
        var tableAddress = table.rootAddress
        for level in 0...Int(leaf.level) {
            if level > 0 {
                let base = Bits.alignDown(leaf.iova, format.entrySize(level - 1))
                guard let node = table.tables.first(where: { Int($0.level) == level && $0.base == base }) else { break }
                tableAddress = node.address
            }
            addresses.append(tableAddress &+ format.index(leaf.iova, level: level) * NestedWalk.descriptorBytes)
        }
        return addresses
    }
}
