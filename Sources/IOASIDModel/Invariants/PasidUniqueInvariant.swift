/// `pasid-unique`: one domain per (device, PASID), PASIDs within width, the proposal's ownership
/// rule, and under `vsva` one guest address space per PASID across the VM's devices.
enum PasidUniqueInvariant {
    static func check(_ view: some HardwareView) -> Violation? {
        let topology = view.topology, routes = view.hardware.routes
        for (i, route) in routes.enumerated() where route.pasid != 0 {
            if i > 0, routes[i - 1].group == route.group, routes[i - 1].pasid == route.pasid {
                let device = topology.members(of: Int(route.group)).first ?? 0
                return Violation(.pasidUnique, "a (device, PASID) routes to two domains",
                                 objects: Invariants.routeObjects(view, device: device, pasid: route.pasid, domain: route.domain),
                                 expected: "one domain", found: "domains \(routes[i - 1].domain) and \(route.domain)")
            }
            // A device whose width is 0 issues no PASID TLPs; newer kernels skip such group members too.
            for device in topology.members(of: Int(route.group)) {
                let bits = topology.pasidBits(of: device)
                if bits > 0, UInt64(route.pasid) >> UInt64(bits) != 0 {
                    return Violation(.pasidUnique, "a PASID wider than the device and its IOMMU support is routed",
                                     objects: Invariants.routeObjects(view, device: device, pasid: route.pasid, domain: route.domain),
                                     expected: "PASID < 2^\(bits)", found: "PASID \(route.pasid)")
                }
            }
        }
        if let v = view.pasidOwnershipViolations().first { return v }
        return vsva(view)
    }

    /// One guest address space (domain) per PASID and one PASID per guest address space, across
    /// the devices that share the VM's PASID space.
    private static func vsva(_ view: some HardwareView) -> Violation? {
        let topology = view.topology
        guard !topology.vsvaDevices.isEmpty else { return nil }
        var byPasid: [UInt32: (AddressSpace, Int)] = [:]
        var bySpace: [AddressSpace: (UInt32, Int)] = [:]
        let hardware = view.hardware
        for route in hardware.routes where route.pasid != 0 {
            let space = view.addressSpace(of: route.domain)
            for device in topology.members(of: Int(route.group)) where topology.vsvaDevices.contains(device) {
                if let (other, otherDevice) = byPasid[route.pasid], other != space {
                    return Violation(.pasidUnique, "one guest PASID names two address spaces across the VM's devices",
                                     objects: ["dev \(topology.devices[otherDevice].name)", "dev \(topology.devices[device].name)", "pasid \(route.pasid)"],
                                     expected: "\(other)", found: "\(space)")
                }
                if let (otherPasid, otherDevice) = bySpace[space], otherPasid != route.pasid {
                    return Violation(.pasidUnique, "one guest address space is bound at two PASIDs in the VM",
                                     objects: ["dev \(topology.devices[otherDevice].name)", "dev \(topology.devices[device].name)", "\(space)"],
                                     expected: "pasid \(otherPasid)", found: "pasid \(route.pasid)")
                }
                byPasid[route.pasid] = (space, device)
                bySpace[space] = (route.pasid, device)
            }
        }
        return nil
    }
}
