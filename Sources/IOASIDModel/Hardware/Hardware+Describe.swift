/// The hardware in words, one fact a line (every design's `describe` ends with these). Leaves are
/// coalesced into runs — contiguous leaves of one size and one set of permissions whose outputs
/// are contiguous too — so that a 2M map of 4K pages is one line, not 512.
extension Hardware {
    public func describe(_ topology: Topology) -> [String] {
        var out: [String] = []
        for d in domains { out += Self.lines(of: d, topology) }
        out += routeLines(topology)
        out += iotlbLines(topology)
        return out
    }

    /// The lines of `describe` that differ from `before`, found part by part.
    public func changes(since before: Hardware, _ topology: Topology, into c: inout LineChanges) {
        c.merge(before.domains, domains, key: \.id, describe: { Self.lines(of: $0, topology) }) { c, old, new in
            c.whole(Self.header(of: old, topology), Self.header(of: new, topology)) { [$0] }
            if old.table.leaves != new.table.leaves {
                c.merge(LeafRun.runs(of: old.table), LeafRun.runs(of: new.table), key: \.first.iova) { [$0.line(domain: new.id)] }
            }
            if old.dirty != new.dirty { c.whole(Self.dirtyLines(of: old), Self.dirtyLines(of: new)) { $0 } }
        }
        if routes != before.routes { c.whole(before.routeLines(topology), routeLines(topology)) { $0 } }
        if iotlb != before.iotlb { c.whole(before.iotlbLines(topology), iotlbLines(topology)) { $0 } }
    }

    static func header(of d: Domain, _ topology: Topology) -> String {
        var line = "domain \(d.id): \(d.preset.rawValue) for \(topology.iommus[d.iommu].name), stage \(d.stage.rawValue)"
        if let p = d.parent { line += " over domain \(p)" }
        if d.enforcesCoherency { line += ", enforces coherency" }
        if d.dirtyTracking { line += d.dirty.enabled ? ", dirty tracking on" : ", dirty tracking off" }
        if d.freed { line += ", FREED" }
        return line
    }

    static func lines(of d: Domain, _ topology: Topology) -> [String] {
        [header(of: d, topology)] + LeafRun.runs(of: d.table).map { $0.line(domain: d.id) } + dirtyLines(of: d)
    }

    /// The dirty bits, and the `dirty` invariant's ghost state (pages owed to the next read).
    static func dirtyLines(of d: Domain) -> [String] {
        guard d.dirtyTracking else { return [] }
        func text(_ r: IOVARange) -> String { "\(SizeText.hex(r.first)) \(SizeText.format(r.length))" }
        return d.dirty.bits.map { "domain \(d.id) dirty bit \(text($0))" } + d.dirty.owed.map { "domain \(d.id) written, not yet read \(text($0))" }
            + (d.dirty.missed.map { ["domain \(d.id) MISSED by a bitmap read \(text($0))"] } ?? [])
    }

    func routeLines(_ topology: Topology) -> [String] {
        routes.map { r in
            "route \(topology.groups[Int(r.group)])\(r.pasid == 0 ? "" : " pasid \(r.pasid)")\(r.window.map { " window \($0)" } ?? "") -> domain \(r.domain)"
        }
    }

    func iotlbLines(_ topology: Topology) -> [String] {
        iotlb.entries.map { e in
            let pasid = e.key.pasid == 0 ? "" : " pasid \(e.key.pasid)"
            return "iotlb \(topology.groups[Int(e.key.device)])\(pasid) \(SizeText.hex(e.iova)) -> \(SizeText.hex(e.output)) \(SizeText.format(e.pageSize)) \(e.permissions) (domain \(e.tag), \(e.source == .guest ? "guest" : "kernel")\(e.dirty ? ", dirty" : ""))"
        }
    }
}

/// Contiguous leaves of one size and permissions whose outputs are contiguous: one line.
struct LeafRun: Equatable {
    var first: Leaf
    var size: UInt64
    var count: Int

    static func runs(of table: PageTable) -> [LeafRun] {
        var out: [LeafRun] = []
        for leaf in table.leaves {
            let size = table.size(of: leaf)
            // Leaves are sorted and disjoint, so a wrapped sum never equals a later leaf's IOVA.
            let span = UInt64(out.last?.count ?? 0) &* size
            if var last = out.last, last.size == size, last.first.permissions == leaf.permissions,
               last.first.iova &+ span == leaf.iova, last.first.output &+ span == leaf.output {
                last.count += 1
                out[out.count - 1] = last
            } else {
                out.append(LeafRun(first: leaf, size: size, count: 1))
            }
        }
        return out
    }

    func line(domain: DomainID) -> String {
        let size = SizeText.format(self.size)
        guard count > 1 else {
            return "domain \(domain) leaf \(SizeText.hex(first.iova)) -> \(SizeText.hex(first.output)) \(size) \(first.permissions)"
        }
        let last = first.iova &+ (UInt64(count) &* self.size) &- 1
        return "domain \(domain) leaves \(SizeText.hex(first.iova))..\(SizeText.hex(last)) -> \(SizeText.hex(first.output)) \(count)×\(size) \(first.permissions)"
    }
}
