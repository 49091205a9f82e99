/// The candidate operations `check` tries in a state, enumerated from the model's `explore`
/// bounds as `SPEC.md` §2 "How check chooses actions" says: small enough to exhaust, wide
/// enough to reach every errno path that needs state. A class: it is read on every transition and
/// never changes, so it is shared by reference rather than copied.
public final class ActionSpace: Sendable {
    public let topology: Topology
    public let bounds: ExploreBounds
    /// The proposal and knobs: which operations exist, and which `VFIO_SET_IOMMU` type is issued.
    public let config: IOMMUFDConfig
    /// (IOVA, length) pairs: multiples of the smallest length whose range lies in the window.
    public let pairs: [(iova: UInt64, length: UInt64)]
    /// The fixed IOVAs TRANSLATE probes.
    public let probes: [UInt64]
    /// The `ops` words in force, as iommufd names them.
    let groups: Set<OperationGroup>
    /// The `objects` caps of the kinds iommufd has (`.max` when not capped).
    let caps: (ioas: Int, hwpt: Int, device: Int, domain: Int, pasid: Int)

    public init(topology: Topology, bounds: ExploreBounds, config: IOMMUFDConfig = IOMMUFDConfig()) {
        self.topology = topology
        self.bounds = bounds
        self.config = config
        groups = Set(bounds.groups.compactMap(OperationGroup.init(rawValue:)))
        let step = bounds.lengths.min() ?? 0x1000
        var pairs: [(UInt64, UInt64)] = []
        for length in bounds.lengths.sorted() {
            var iova = (bounds.window.first + step - 1) / step * step
            while let r = IOVARange(start: iova, length: length), r.last <= bounds.window.last {
                pairs.append((iova, length))
                let (next, o) = iova.addingReportingOverflow(step)
                if o { break }
                iova = next
            }
        }
        self.pairs = pairs
        var probes: [UInt64] = []
        var p = (bounds.window.first + step - 1) / step * step
        while p <= bounds.window.last, probes.count < 1 << 16 {
            probes.append(p)
            let (next, o) = p.addingReportingOverflow(step)
            if o { break }
            p = next
        }
        self.probes = probes
        // Looked up once: the caps are checked on every successor.
        caps = (bounds.objects["ioas"] ?? .max, bounds.objects["hwpt"] ?? .max, bounds.objects["device"] ?? .max,
                bounds.objects["domain"] ?? .max, bounds.objects["pasid"] ?? .max)
    }

    func userVAs(for iova: UInt64) -> [UInt64] { bounds.userVAs ?? [iova &+ 0x1_0000_0000] }

    /// The window, and its halves when it has two pages' worth: disjoint windows become reachable.
    var windowAndHalves: [IOVARange] {
        let w = bounds.window
        guard w.length >= 2 else { return [w] }
        let mid = w.first + w.length / 2
        return [w, IOVARange(first: w.first, last: mid - 1), IOVARange(first: mid, last: w.last)]
    }

    /// Ids a field expecting `wanted` kinds takes: the live objects of those kinds, one live
    /// object of another kind (if any), and one id that does not exist.
    func ids(_ state: IOMMUFDState, _ wanted: (ObjectBody) -> Bool) -> [UInt32] {
        var out = state.objects.filter { wanted($0.body) }.map(\.id)
        if let other = state.objects.first(where: { !wanted($0.body) }) { out.append(other.id) }
        out.append(state.nextObjectID)
        return out
    }

    static func isIOAS(_ b: ObjectBody) -> Bool { if case .ioas = b { return true }; return false }
    static func isHWPT(_ b: ObjectBody) -> Bool {
        switch b { case .hwptPaging, .hwptNested: return true; default: return false }
    }
    static func isDevice(_ b: ObjectBody) -> Bool { if case .device = b { return true }; return false }

    /// Appends iommufd's candidate operations in `state`, in a fixed order.
    public func actions(of state: IOMMUFDState, into out: inout [IOMMUFDOperation]) {
        typealias C = IOMMUFDConstants
        let g = groups
        let ioasIDs = ids(state, Self.isIOAS)
        let flagSets: [UInt32] = [C.IOMMU_IOAS_MAP_READABLE, C.IOMMU_IOAS_MAP_WRITEABLE, C.IOMMU_IOAS_MAP_READABLE | C.IOMMU_IOAS_MAP_WRITEABLE]
        if g.contains(.ioas) { out.append(.ioasAlloc(flags: 0)) }
        if g.contains(.map) {
            for id in ioasIDs { for (iova, length) in pairs { for va in userVAs(for: iova) { for f in flagSets {
                out.append(.ioasMap(IOASMapArgs(flags: f | C.IOMMU_IOAS_MAP_FIXED_IOVA, ioasID: id, iova: iova, length: length, userVA: va)))
            } } } }
        }
        if g.contains(.autoMap) {
            for id in ioasIDs { for length in bounds.lengths { for va in userVAs(for: bounds.window.first) {
                out.append(.ioasMap(IOASMapArgs(flags: flagSets[2], ioasID: id, length: length, userVA: va)))
            } } }
        }
        if g.contains(.unmap) {
            for id in ioasIDs {
                for (iova, length) in pairs { out.append(.ioasUnmap(ioasID: id, iova: iova, length: length)) }
                out.append(.ioasUnmap(ioasID: id, iova: 0, length: .max))
            }
        }
        if g.contains(.copy) {
            for src in ioasIDs { for dst in ioasIDs { for (iova, length) in pairs { for (dIOVA, dLength) in pairs where dLength == length {
                out.append(.ioasCopy(IOASCopyArgs(flags: flagSets[2] | C.IOMMU_IOAS_MAP_FIXED_IOVA, dstIOASID: dst, srcIOASID: src,
                                                  length: length, dstIOVA: dIOVA, srcIOVA: iova)))
            } } } }
        }
        if g.contains(.allowIOVAs) {
            for id in ioasIDs {
                out.append(.ioasAllowIOVAs(ioasID: id, ranges: [], reserved: 0))
                out.append(.ioasAllowIOVAs(ioasID: id, ranges: [bounds.window], reserved: 0))
                // With several windows per RID, halves of the window make disjoint windows reachable.
                if config.multiAttach != .perPasid, bounds.window.length >= 2 {
                    let mid = bounds.window.first + bounds.window.length / 2
                    out.append(.ioasAllowIOVAs(ioasID: id, ranges: [IOVARange(first: bounds.window.first, last: mid - 1)], reserved: 0))
                    out.append(.ioasAllowIOVAs(ioasID: id, ranges: [IOVARange(first: mid, last: bounds.window.last)], reserved: 0))
                }
            }
        }
        if g.contains(.option) {
            for id in ioasIDs { for v: UInt64 in [0, 1] {
                out.append(.option(optionID: C.IOMMU_OPTION_HUGE_PAGES, op: C.IOMMU_OPTION_OP_SET, objectID: id, value: v, reserved: 0))
            } }
        }
        let deviceIDs = ids(state, Self.isDevice)
        if g.contains(.hwpt) {
            let flags = [0, C.IOMMU_HWPT_ALLOC_PASID, C.IOMMU_HWPT_ALLOC_NEST_PARENT]
            for dev in deviceIDs { for pt in ioasIDs { for f in flags {
                out.append(.hwptAlloc(HWPTAllocArgs(flags: f, devID: dev, ptID: pt)))
            } } }
        }
        if g.contains(.nested) { nestedActions(state, deviceIDs, into: &out) }
        if g.contains(.bind) { for d in topology.devices.indices { out.append(.bind(device: d, iommufd: nil, flags: 0)) } }
        if g.contains(.attach) {
            let pts = ids(state) { Self.isIOAS($0) || Self.isHWPT($0) }
            for d in topology.devices.indices {
                for pt in pts {
                    out.append(.attach(device: d, flags: 0, ptID: pt, pasid: 0))
                    for p in bounds.pasids { out.append(.attach(device: d, flags: C.VFIO_DEVICE_ATTACH_PASID, ptID: pt, pasid: p)) }
                }
                out.append(.detach(device: d, flags: 0, pasid: 0))
                for p in bounds.pasids { out.append(.detach(device: d, flags: C.VFIO_DEVICE_DETACH_PASID, pasid: p)) }
            }
        }
        if g.contains(.close) { for d in topology.devices.indices { out.append(.close(device: d)) } }
        if g.contains(.destroy) {
            for o in state.objects { out.append(.destroy(id: o.id)) }
            out.append(.destroy(id: state.nextObjectID))
        }
        if g.contains(.translate) { translateActions(state, into: &out) }
    }

    func translateActions(_ state: IOMMUFDState, into out: inout [IOMMUFDOperation]) {
        translateRequests(state.hardware) { out.append(.translate(device: $0.device, pasid: $0.pasid, iova: $0.iova, access: $0.access)) }
    }

    /// TRANSLATE as every design explores it: each routed device, at each probe IOVA, read and write.
    func translateRequests(_ hardware: Hardware, _ body: (DMARequest) -> Void) {
        for r in hardware.routes { for d in topology.members(of: Int(r.group)) { for iova in probes { for a in Access.allCases {
            body(DMARequest(device: d, pasid: r.pasid, iova: iova, access: a))
        } } } }
    }

    /// `ops +nested`: nested HWPTs over nest parents, and the guest's stage-1 edits.
    func nestedActions(_ state: IOMMUFDState, _ deviceIDs: [UInt32], into out: inout [IOMMUFDOperation]) {
        let parents = state.objects.filter { if case .hwptPaging(let h) = $0.body { return h.nestParent }; return false }.map(\.id)
        for dev in deviceIDs {
            let device: Int? = { if case .device(let d)? = state.object(dev)?.body { return d }; return nil }()
            let s1 = device.map { topology.iommu(of: $0).stage1Preset } ?? topology.iommus.first?.stage1Preset ?? .tiny2x2
            for parent in parents { for root in probes {
                out.append(.hwptAlloc(HWPTAllocArgs(flags: 0, devID: dev, ptID: parent, s1Format: s1, s1Root: root)))
            } }
        }
        for o in state.objects {
            guard case .hwptNested = o.body else { continue }
            for (iova, length) in pairs {
                for gpa in probes where gpa &+ length - 1 <= bounds.window.last {
                    out.append(.guestS1Map(hwptID: o.id, iova: iova, gpa: gpa, length: length, permissions: .readWrite, tableGPA: nil))
                }
                out.append(.guestS1Unmap(hwptID: o.id, iova: iova, length: length))
            }
        }
    }

    /// Live objects per `objects` kind (auto HWPTs count as hwpt).
    public func exceedsCaps(_ state: IOMMUFDState) -> Bool {
        if caps.domain != .max, state.hardware.domains.lazy.filter({ !$0.freed }).count > caps.domain { return true }
        guard caps.ioas != .max || caps.hwpt != .max || caps.device != .max else { return false }
        var ioas = 0, hwpt = 0, device = 0
        for o in state.objects {
            switch o.body {
            case .ioas: ioas += 1
            case .hwptPaging, .hwptNested: hwpt += 1
            case .device: device += 1
            }
        }
        return ioas > caps.ioas || hwpt > caps.hwpt || device > caps.device
    }
}
