/// The hardware in words, one fact a line (every design's `describe` ends with these).
extension Hardware {
    public func describe(_ topology: Topology) -> [String] {
        var out: [String] = []
        for d in domains {
            let iommu = topology.iommus[d.iommu].name
            var line = "domain \(d.id): \(d.preset.rawValue) for \(iommu), stage \(d.stage.rawValue)"
            if let p = d.parent { line += " over domain \(p)" }
            if d.enforcesCoherency { line += ", enforces coherency" }
            if d.freed { line += ", FREED" }
            out.append(line)
            for leaf in d.table.leaves {
                out.append("domain \(d.id) leaf \(SizeText.hex(leaf.iova)) -> \(SizeText.hex(leaf.output)) \(SizeText.format(d.table.size(of: leaf))) \(leaf.permissions)")
            }
        }
        for r in routes {
            out.append("route \(topology.groups[Int(r.group)])\(r.pasid == 0 ? "" : " pasid \(r.pasid)")\(r.window.map { " window \($0)" } ?? "") -> domain \(r.domain)")
        }
        for e in iotlb.entries {
            let pasid = e.key.pasid == 0 ? "" : " pasid \(e.key.pasid)"
            out.append("iotlb \(topology.groups[Int(e.key.device)])\(pasid) \(SizeText.hex(e.iova)) -> \(SizeText.hex(e.output)) \(SizeText.format(e.pageSize)) \(e.permissions) (domain \(e.tag), \(e.source == .guest ? "guest" : "kernel"))")
        }
        return out
    }
}
