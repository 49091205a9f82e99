/// `lifetime`: nothing freed is still referenced, by hardware or by another object.
enum LifetimeInvariant {
    static func check(_ view: some HardwareView) -> Violation? {
        let hardware = view.hardware, topology = view.topology
        for route in hardware.routes {
            let domain = hardware.domain(route.domain)
            if domain == nil || domain!.freed {
                let device = topology.members(of: Int(route.group)).first ?? 0
                return Violation(.lifetime, "hardware still routes DMA to a freed domain",
                                 objects: Invariants.routeObjects(view, device: device, pasid: route.pasid, domain: route.domain),
                                 expected: "no route", found: "a route to freed domain \(route.domain)")
            }
        }
        for domain in hardware.domains where !domain.freed {
            if let parent = domain.parent, hardware.domain(parent).map({ $0.freed }) ?? true {
                return Violation(.lifetime, "a nested domain's stage-2 parent was freed", objects: ["domain \(domain.id)", "domain \(parent)"],
                                 expected: "a live parent", found: "freed domain \(parent)")
            }
        }
        return view.danglingReferences().first
    }
}
