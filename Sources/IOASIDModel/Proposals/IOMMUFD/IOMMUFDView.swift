/// An iommufd state seen by the invariants.
public struct IOMMUFDView: HardwareView {
    public let machine: IOMMUFD
    public let state: IOMMUFDState

    public init(machine: IOMMUFD, state: IOMMUFDState) {
        self.machine = machine
        self.state = state
    }

    public var topology: Topology { machine.topology }
    public var hardware: Hardware { state.hardware }

    /// A paging domain promises its IOAS's areas; a nested domain, the guest's own stage-1 table
    /// (the guest is the authority on what it mapped).
    public func intendedSegments(of domain: DomainID) -> [Segment]? {
        for o in state.objects {
            switch o.body {
            case .hwptPaging(let h) where h.domain == domain:
                guard let ioas = state.ioas(h.ioas) else { return [] }
                // A revoked dma-buf area promises nothing: its pages are gone.
                return ioas.areas.filter { !$0.revoked }.map { Segment(range: $0.range, output: $0.userVA, permissions: $0.permissions) }
            case .hwptNested(let n) where n.domain == domain:
                return state.hardware.domain(domain).map { Segments.of($0.table) }
            default:
                continue
            }
        }
        return nil
    }

    public func addressSpace(of domain: DomainID) -> AddressSpace { state.addressSpace(of: domain) }

    func isFault(_ id: UInt32) -> Bool {
        if case .fault? = state.object(id)?.body { return true }
        return false
    }

    public func danglingReferences() -> [Violation] {
        var out: [Violation] = []
        for o in state.objects {
            switch o.body {
            case .hwptPaging(let h) where !state.hasIOAS(h.ioas):
                out.append(Violation(.lifetime, "a HWPT_PAGING still refers to its destroyed IOAS", objects: ["hwpt \(o.id)", "ioas \(h.ioas)"],
                                     expected: "a live IOAS", found: "nothing at id \(h.ioas)"))
            case .hwptNested(let n) where state.paging(n.parent) == nil:
                out.append(Violation(.lifetime, "a HWPT_NESTED still refers to its destroyed parent", objects: ["hwpt \(o.id)", "hwpt \(n.parent)"],
                                     expected: "a live nest parent", found: "nothing at id \(n.parent)"))
            case .hwptNested(let n) where n.viommu != 0 && state.viommu(n.viommu) == nil:
                out.append(Violation(.lifetime, "a HWPT_NESTED still refers to its destroyed vIOMMU", objects: ["hwpt \(o.id)", "viommu \(n.viommu)"],
                                     expected: "a live vIOMMU", found: "nothing at id \(n.viommu)"))
            case .viommu(let v) where state.paging(v.hwpt) == nil:
                out.append(Violation(.lifetime, "a vIOMMU still refers to its destroyed nest parent", objects: ["viommu \(o.id)", "hwpt \(v.hwpt)"],
                                     expected: "a live nest parent", found: "nothing at id \(v.hwpt)"))
            case .veventq(let q) where state.viommu(q.viommu) == nil:
                out.append(Violation(.lifetime, "a vEVENTQ still refers to its destroyed vIOMMU", objects: ["veventq \(o.id)", "viommu \(q.viommu)"],
                                     expected: "a live vIOMMU", found: "nothing at id \(q.viommu)"))
            case .hwptPaging(let h) where h.fault != 0 && !isFault(h.fault):
                out.append(Violation(.lifetime, "a HWPT still reports faults to a destroyed FAULT", objects: ["hwpt \(o.id)", "fault \(h.fault)"],
                                     expected: "a live FAULT", found: "nothing at id \(h.fault)"))
            case .hwptNested(let n) where n.fault != 0 && !isFault(n.fault):
                out.append(Violation(.lifetime, "a HWPT still reports faults to a destroyed FAULT", objects: ["hwpt \(o.id)", "fault \(n.fault)"],
                                     expected: "a live FAULT", found: "nothing at id \(n.fault)"))
            case .hwQueue(let q) where state.viommu(q.viommu) == nil:
                out.append(Violation(.lifetime, "a HW queue still refers to its destroyed vIOMMU", objects: ["hw_queue \(o.id)", "viommu \(q.viommu)"],
                                     expected: "a live vIOMMU", found: "nothing at id \(q.viommu)"))
            case .hwQueue(let q) where !machine.queueBacked(q, state):
                out.append(Violation(.lifetime, "a HW queue's memory was unmapped while the IOMMU reads it",
                                     objects: ["hw_queue \(o.id)", "viommu \(q.viommu)"], address: q.iova,
                                     expected: "IOVA \(SizeText.hex(q.iova))+\(SizeText.hex(q.length)) mapped to the queue's \(SizeText.hex(q.basePA))",
                                     found: "the pages unmapped and unpinned: the hardware reads and writes memory the VMM no longer owns"))
            case .vdevice(let v) where state.viommu(v.viommu) == nil:
                out.append(Violation(.lifetime, "a vDEVICE still refers to its destroyed vIOMMU", objects: ["vdevice \(o.id)", "viommu \(v.viommu)"],
                                     expected: "a live vIOMMU", found: "nothing at id \(v.viommu)"))
            case .vdevice(let v) where state.object(v.deviceID)?.body != .device(v.device):
                out.append(Violation(.lifetime, "a vDEVICE still names a device that was unbound",
                                     objects: ["vdevice \(o.id)", "dev \(topology.devices[v.device].name)", "device \(v.deviceID)"],
                                     expected: "the device bound as id \(v.deviceID)", found: "no such binding: the guest's id reaches a device the VM no longer owns"))
            case .access(let a):
                out += accessViolations(o.id, a)
            default:
                break
            }
        }
        for a in state.attachments where state.domainID(ofHWPT: a.hwpt) == nil {
            let device = topology.devices.indices.first { a.devices & (1 << UInt64($0)) != 0 } ?? 0
            out.append(Violation(.lifetime, "a device is attached to a destroyed HWPT",
                                 objects: ["dev \(topology.devices[device].name)"] + (a.pasid == 0 ? [] : ["pasid \(a.pasid)"]) + ["hwpt \(a.hwpt)"],
                                 expected: "a live HWPT", found: "nothing at id \(a.hwpt)"))
        }
        return out
    }

    /// An access that outlives its IOAS, or pins pages no longer mapped where it pinned them
    /// (the kernel prevents both by waiting for the driver to unpin: `iopt_unmap_iova_range`,
    /// `iommufd_access_change_ioas`).
    func accessViolations(_ id: UInt32, _ a: EmulatedAccess) -> [Violation] {
        if a.ioas != 0, !state.hasIOAS(a.ioas) {
            return [Violation(.lifetime, "an access still refers to its destroyed IOAS", objects: ["access \(id)", "ioas \(a.ioas)"],
                              expected: "a live IOAS", found: "nothing at id \(a.ioas)")]
        }
        for item in a.items {
            let areas = state.ioas(item.ioas)?.areas ?? []
            let holes = IOVARange.holes(of: areas.map(\.range), in: item.range)
            guard let hole = holes.first else { continue }
            return [Violation(.lifetime, "an access pins pages that are no longer mapped",
                              objects: ["access \(id)", "ioas \(item.ioas)"], address: hole.first,
                              expected: "IOVA \(item.range) mapped in ioas \(item.ioas) while pinned (item \(item.id))",
                              found: !state.hasIOAS(item.ioas) ? "the IOAS destroyed under the pin" : "nothing mapped at \(hole): the driver holds pages the VMM gave back")]
        }
        return []
    }

    /// Reference-count bookkeeping: each object's `users` equals the references that exist
    /// (an internal consistency check for tests, not one of the five invariants). `extra`: the
    /// references a design holds on the kernel's objects from its own state, by object id.
    public func refcountMismatches(extra: [UInt32: Int] = [:]) -> [String] {
        var expected = extra
        for o in state.objects {
            switch o.body {
            case .hwptPaging(let h):
                expected[h.ioas, default: 0] += 1
                if h.fault != 0 { expected[h.fault, default: 0] += 1 }
            case .hwptNested(let n):
                expected[n.viommu != 0 ? n.viommu : n.parent, default: 0] += 1
                if n.fault != 0 { expected[n.fault, default: 0] += 1 }
            case .device: expected[o.id, default: 0] += 1
            case .viommu(let v):
                expected[v.hwpt, default: 0] += 1
                expected[o.id, default: 0] += Int(v.mmapCount)
            case .vdevice(let v): expected[v.viommu, default: 0] += 1
            case .fault(let q):
                if q.fdOpen { expected[o.id, default: 0] += 1 }
            case .veventq(let q):
                expected[q.viommu, default: 0] += 1
                if q.fdOpen { expected[o.id, default: 0] += 1 }
            case .hwQueue(let q):
                expected[q.viommu, default: 0] += 1
                if q.depends != 0 { expected[q.depends, default: 0] += 1 }
            case .access(let a):
                // The driver's own reference, and the one on the IOAS it is attached to.
                expected[o.id, default: 0] += 1
                if a.ioas != 0 { expected[a.ioas, default: 0] += 1 }
            case .ioas: break
            }
        }
        for a in state.attachments {
            for d in topology.devices.indices where a.devices & (1 << UInt64(d)) != 0 {
                expected[a.hwpt, default: 0] += 1
                expected[state.boundIDs[d], default: 0] += 1
            }
        }
        var problems = state.objects.compactMap { o in
            let want = expected[o.id] ?? 0
            return Int(o.users) == want ? nil : "\(o.body.kindName) \(o.id): users \(o.users), references \(want)"
        }
        // Each IOAS lists exactly its automatic HWPTs, once each, in the order it keeps.
        for o in state.objects {
            guard case .ioas(let x) = o.body else { continue }
            let autos = Set(state.pagingHWPTs(on: o.id).filter(\.hwpt.autoDomain).map(\.id))
            if Set(x.hwptOrder) != autos || x.hwptOrder.count != autos.count {
                problems.append("ioas \(o.id): automatic HWPTs in creation order \(x.hwptOrder), on the IOAS \(autos.sorted())")
            }
        }
        return problems
    }
}
