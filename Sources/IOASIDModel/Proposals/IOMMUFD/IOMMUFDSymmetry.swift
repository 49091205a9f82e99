/// Symmetry of an iommufd topology: devices that nothing tells apart — same IOMMU, same PASID
/// width, reserved regions and dirty tracking, same `vsva` membership, each alone in its group, and
/// not named by a goal — can be swapped in any state without changing what can happen next.
/// Object ids are untouched (a swap renames devices, not ids), so the kernel's lowest-free id
/// rule is preserved.
public struct IOMMUFDSymmetry: Sendable {
    /// Each permutation maps device i to `devices[i]` and group g to `groups[g]`; the identity
    /// is not listed.
    public let permutations: [(devices: [Int], groups: [Int])]

    /// The permutations of `topology`, leaving the `distinguished` devices fixed; at most
    /// `limit` of them (classes are cut to keep the product under the limit).
    public init(topology: Topology, distinguished: Set<Int>, limit: Int = 24) {
        var classes: [[Int]] = []
        for d in topology.devices.indices where !distinguished.contains(d) && topology.members(of: topology.devices[d].group).count == 1 {
            let spec = topology.devices[d]
            if let i = classes.firstIndex(where: { c in
                let o = topology.devices[c[0]]
                return o.iommu == spec.iommu && o.pasidBits == spec.pasidBits && o.reserved == spec.reserved
                    && o.dirtyTracking == spec.dirtyTracking && topology.vsvaDevices.contains(c[0]) == topology.vsvaDevices.contains(d)
            }) {
                classes[i].append(d)
            } else {
                classes.append([d])
            }
        }
        var perms: [[Int]] = [Array(topology.devices.indices)]
        for c in classes where c.count > 1 {
            let orders = Self.permutations(of: c)
            guard perms.count * orders.count <= limit else { continue }
            perms = perms.flatMap { base in
                orders.map { order in
                    var p = base
                    for (from, to) in zip(c, order) { p[from] = base[to] }
                    return p
                }
            }
        }
        permutations = perms.filter { $0 != Array(topology.devices.indices) }.map { p in
            var groups = Array(topology.groups.indices)
            for (d, target) in p.enumerated() { groups[topology.devices[d].group] = topology.devices[target].group }
            return (p, groups)
        }
    }

    static func permutations(of xs: [Int]) -> [[Int]] {
        guard xs.count > 1 else { return [xs] }
        return xs.indices.flatMap { i -> [[Int]] in
            var rest = xs
            let head = rest.remove(at: i)
            return permutations(of: rest).map { [head] + $0 }
        }
    }

    public var isTrivial: Bool { permutations.isEmpty }
}

extension IOMMUFDState {
    /// The state with devices and groups renamed by a permutation of `IOMMUFDSymmetry`.
    public func permuted(devices: [Int], groups: [Int]) -> IOMMUFDState {
        var s = self
        for i in s.objects.indices {
            if case .device(let d) = s.objects[i].body { s.objects[i].body = .device(devices[d]) }
        }
        for (d, id) in boundIDs.enumerated() { s.boundIDs[devices[d]] = id }
        s.attachments = attachments.map { a in
            var b = a
            b.group = UInt16(groups[Int(a.group)])
            b.devices = 0
            for d in devices.indices where a.devices & (1 << UInt64(d)) != 0 { b.devices |= 1 << UInt64(devices[d]) }
            return b
        }.sorted { ($0.group, $0.pasid) < ($1.group, $1.pasid) }
        s.hardware.renameGroups { groups[$0] }
        return s
    }
}
