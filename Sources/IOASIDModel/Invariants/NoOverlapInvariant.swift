/// `no-overlap`: a (device, PASID, IOVA) reaches at most one page table.
enum NoOverlapInvariant {
    static func check(_ view: some HardwareView) -> Violation? {
        let routes = view.hardware.routes
        for i in routes.indices {
            for j in routes.indices where j > i && routes[j].group == routes[i].group && routes[j].pasid == routes[i].pasid {
                // Two routes to one domain still reach one page table.
                let a = routes[i].window ?? .all, b = routes[j].window ?? .all
                guard a.intersects(b), routes[i].domain != routes[j].domain else { continue }
                let device = view.topology.members(of: Int(routes[i].group)).first ?? 0
                var objects = Invariants.routeObjects(view, device: device, pasid: routes[i].pasid, domain: routes[i].domain)
                objects.append("domain \(routes[j].domain)")
                return Violation(.noOverlap, "one device reaches two page tables at the same IOVA", objects: objects,
                                 address: max(a.first, b.first), expected: "one page table", found: "domains \(routes[i].domain) and \(routes[j].domain)")
            }
        }
        return nil
    }
}
