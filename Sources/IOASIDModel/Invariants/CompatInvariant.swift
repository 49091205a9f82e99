/// `compat`: a page table is walked only by IOMMUs that can walk it.
enum CompatInvariant {
    static func check(_ view: some HardwareView) -> Violation? {
        let topology = view.topology, hardware = view.hardware
        for route in hardware.routes {
            guard let domain = hardware.domain(route.domain), !domain.freed else { continue }
            for device in topology.members(of: Int(route.group)) {
                let iommu = topology.iommu(of: device)
                // Named only for a violation: every new state is checked, and most hold.
                func objects() -> [String] {
                    Invariants.routeObjects(view, device: device, pasid: route.pasid, domain: domain.id) + ["iommu \(iommu.name)"]
                }
                // A nested domain's own table is a stage-1 table; its parent is the walker's stage 2.
                var stage2Preset = domain.preset
                if let parent = domain.parent.flatMap(hardware.domain) {
                    stage2Preset = parent.preset
                    if domain.preset != iommu.stage1Preset {
                        return Violation(.compat, "the IOMMU walks a stage-1 table of a format it does not support", objects: objects(),
                                         expected: iommu.stage1Preset.rawValue, found: domain.preset.rawValue)
                    }
                    if let v = leafSizes(of: parent, walkedBy: iommu, objects: objects) { return v }
                }
                if stage2Preset != iommu.preset, !iommu.preset.otherTables.contains(stage2Preset) {
                    return Violation(.compat, "the IOMMU walks a page table of a format it does not support", objects: objects(),
                                     expected: iommu.preset.rawValue, found: stage2Preset.rawValue)
                }
                // A table of the driver's other kind has that kind's own leaves.
                if stage2Preset == iommu.preset, let v = leafSizes(of: domain, walkedBy: iommu, objects: objects) { return v }
                if domain.enforcesCoherency, !iommu.canEnforceCoherency {
                    return Violation(.compat, "a domain created enforcing cache coherency is walked by an IOMMU that cannot block no-snoop",
                                     objects: objects(), expected: "an IOMMU that enforces coherency", found: "\(iommu.name): noncoherent")
                }
            }
        }
        return nil
    }

    /// A leaf of a size the IOMMU's walker does not support.
    private static func leafSizes(of domain: Domain, walkedBy iommu: IOMMUSpec, objects: () -> [String]) -> Violation? {
        let table = domain.table
        for leaf in table.leaves where !iommu.pageSizes.contains(table.size(of: leaf)) {
            return Violation(.compat, "the IOMMU walks a leaf of a size it does not support", objects: objects(), address: leaf.iova,
                             expected: "page sizes \(iommu.pageSizes)", found: "a \(SizeText.format(table.size(of: leaf))) leaf")
        }
        return nil
    }
}
