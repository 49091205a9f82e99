import Explorer

/// Symmetry of an iommufd topology: devices that nothing tells apart — same IOMMU, same PASID
/// width, reserved regions and dirty tracking, same `vsva` membership, each alone in its group, and
/// not named by a goal — can be swapped in any state without changing what can happen next.
/// Object ids are untouched (a swap renames devices, not ids), so the kernel's lowest-free id
/// rule is preserved.
public struct IOMMUFDSymmetry: Sendable {
    /// The classes of interchangeable devices, each of two or more, ascending.
    public let classes: [[Int]]
    let deviceGroups: [Int]
    let groupCount: Int

    /// The classes of `topology`, leaving the `distinguished` devices out.
    public init(topology: Topology, distinguished: Set<Int>) {
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
        self.classes = classes.filter { $0.count > 1 }
        deviceGroups = topology.devices.map(\.group)
        groupCount = topology.groups.count
    }

    public var isTrivial: Bool { classes.isEmpty }

    /// The renaming that puts a state in canonical form: within each class, the devices sorted by
    /// their `signature` in that state (ties by index) take the class's places in order. Nil when
    /// that is the identity. The cost is a sort, never an enumeration of permutations; where
    /// signatures tie, two symmetric states may keep two forms (less reduction, never a wrong one:
    /// every form is a renaming of the state by a symmetry).
    public func canonicalRenaming(signature: (Int) -> UInt64) -> (devices: [Int], groups: [Int])? {
        var devices: [Int] = [], groups: [Int] = []
        for c in classes {
            // On the stack: most states are canonical already, and then nothing is allocated.
            withUnsafeTemporaryAllocation(of: (key: UInt64, device: Int).self, capacity: c.count) { keyed in
                var sorted = true
                for (k, d) in c.enumerated() {
                    keyed.initializeElement(at: k, to: (signature(d), d))
                    if k > 0, keyed[k - 1] > keyed[k] { sorted = false }
                }
                guard !sorted else { return }
                // Insertion sort: classes are small.
                for k in 1..<c.count {
                    var j = k
                    while j > 0, keyed[j - 1] > keyed[j] { keyed.swapAt(j - 1, j); j -= 1 }
                }
                if devices.isEmpty {
                    devices = Array(deviceGroups.indices)
                    groups = Array(0..<groupCount)
                }
                for k in c.indices {
                    let d = keyed[k].device
                    devices[d] = c[k]
                    groups[deviceGroups[d]] = deviceGroups[c[k]]
                }
            }
        }
        return devices.isEmpty ? nil : (devices, groups)
    }
}

extension IOMMUFDState {
    /// The state with devices and groups renamed by a permutation of `IOMMUFDSymmetry`.
    public func permuted(devices: [Int], groups: [Int]) -> IOMMUFDState {
        var s = self
        for i in s.objects.indices {
            switch s.objects[i].body {
            case .device(let d): s.objects[i].body = .device(devices[d])
            case .vdevice(var v):
                v.device = devices[v.device]
                s.objects[i].body = .vdevice(v)
            default: break
            }
        }
        for (d, id) in boundIDs.enumerated() { s.boundIDs[devices[d]] = id }
        if !mockCacheCleared.isEmpty {
            s.mockCacheCleared = Array(repeating: 0, count: max(mockCacheCleared.count, devices.max().map { $0 + 1 } ?? 0))
            for (d, m) in mockCacheCleared.enumerated() { s.mockCacheCleared[devices[d]] = m }
            while s.mockCacheCleared.last == 0 { s.mockCacheCleared.removeLast() }
        }
        s.ridThroughPasid = 0
        for d in devices.indices where ridThroughPasid & (1 << UInt64(d)) != 0 { s.ridThroughPasid |= 1 << UInt64(devices[d]) }
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

extension Hardware {
    /// What the hardware says about group `g`: its routes (PASID, domain), for symmetry signatures.
    func signature(ofGroup g: Int) -> UInt64 {
        var f = Fingerprint()
        for r in routes where Int(r.group) == g { f.mix(UInt64(r.pasid) << 32 | UInt64(r.domain)) }
        return f.value
    }
}

extension IOMMUFDState {
    /// What the kernel state says about `device` (alone in its group): its DEVICE object, its
    /// group's attachments and routes — the key symmetry sorts interchangeable devices by.
    func signature(of device: Int, _ topology: Topology) -> UInt64 {
        let g = topology.devices[device].group
        var f = Fingerprint()
        f.mix(UInt64(boundIDs[device]) | (ridThroughPasid >> UInt64(device) & 1) << 32
              | UInt64(device < mockCacheCleared.count ? mockCacheCleared[device] : 0) << 40)
        for a in attachments where Int(a.group) == g { f.mix(UInt64(a.pasid) << 32 | UInt64(a.hwpt)) }
        f.mix(hardware.signature(ofGroup: g))
        return f.value
    }
}
