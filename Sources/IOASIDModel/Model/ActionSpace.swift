import Explorer

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
    /// The runs of `pairs` with one length: where each starts, how many, and how many same-length
    /// (source, destination) pairs the runs before it have.
    let lengthRuns: [(start: Int, count: Int, offset: Int)]
    /// The distance between the fixed IOVAs of one length: the smallest length.
    let step: UInt64
    /// The fixed IOVAs TRANSLATE probes.
    public let probes: [UInt64]
    /// The `ops` words in force, as iommufd names them.
    let groups: OperationGroups
    /// The `objects` caps of the kinds iommufd has (`.max` when not capped).
    let caps: (ioas: Int, hwpt: Int, device: Int, domain: Int, pasid: Int, viommu: Int, fault: Int, access: Int)

    public init(topology: Topology, bounds: ExploreBounds, config: IOMMUFDConfig = IOMMUFDConfig()) {
        self.topology = topology
        self.bounds = bounds
        self.config = config
        groups = OperationGroups(bounds.groups.compactMap(OperationGroup.init(rawValue:)))
        let step = bounds.lengths.min() ?? 0x1000
        self.step = step
        var pairs: [(UInt64, UInt64)] = []
        let start = Self.firstMultiple(of: step, from: bounds.window.first)
        for length in bounds.lengths.sorted() {
            guard var iova = start else { break }
            while let r = IOVARange(start: iova, length: length), r.last <= bounds.window.last {
                pairs.append((iova, length))
                let (next, o) = iova.addingReportingOverflow(step)
                if o { break }
                iova = next
            }
        }
        self.pairs = pairs
        var runs: [(start: Int, count: Int, offset: Int)] = []
        var offset = 0
        for (i, p) in pairs.enumerated() {
            if let last = runs.last, pairs[last.start].1 == p.1 {
                runs[runs.count - 1].count += 1
            } else {
                if let last = runs.last { offset += last.count * last.count }
                runs.append((i, 1, offset))
            }
        }
        lengthRuns = runs
        var probes: [UInt64] = []
        var p = start ?? 1
        while start != nil, p <= bounds.window.last, probes.count < 1 << 16 {
            probes.append(p)
            let (next, o) = p.addingReportingOverflow(step)
            if o { break }
            p = next
        }
        self.probes = probes
        // Looked up once: the caps are checked on every successor.
        caps = (bounds.objects["ioas"] ?? .max, bounds.objects["hwpt"] ?? .max, bounds.objects["device"] ?? .max,
                bounds.objects["domain"] ?? .max, bounds.objects["pasid"] ?? .max, bounds.objects["viommu"] ?? .max,
                bounds.objects["fault"] ?? .max, bounds.objects["access"] ?? .max)
    }

    /// The position of (`iova`, `length`) in `pairs`, if it is one of them.
    func pairIndex(iova: UInt64, length: UInt64) -> Int? {
        for run in lengthRuns where pairs[run.start].length == length {
            let first = pairs[run.start].iova
            guard iova >= first, step > 0, (iova - first) % step == 0 else { return nil }
            let j = (iova - first) / step
            return j < UInt64(run.count) ? run.start + Int(j) : nil
        }
        return nil
    }

    func userVAs(for iova: UInt64) -> [UInt64] { bounds.userVAs ?? [iova &+ 0x1_0000_0000] }
    /// How many user addresses each IOVA is mapped from, and the `k`-th of them.
    var vaCount: Int { bounds.userVAs?.count ?? 1 }
    func userVA(for iova: UInt64, _ k: Int) -> UInt64 { bounds.userVAs?[k] ?? iova &+ 0x1_0000_0000 }

    /// (source, destination) pairs of one length, numbered: for each length, each source pair of it
    /// with each destination pair of it, in `pairs` order.
    var samePairCount: Int { lengthRuns.last.map { $0.offset + $0.count * $0.count } ?? 0 }
    func samePair(_ k: Int) -> (src: (iova: UInt64, length: UInt64), dst: (iova: UInt64, length: UInt64)) {
        let run = lengthRuns[lengthRuns.firstIndex { $0.offset + $0.count * $0.count > k } ?? 0]
        let j = k - run.offset
        return (pairs[run.start + j / run.count], pairs[run.start + j % run.count])
    }

    /// The first multiple of `step` at or above `first`; nil when it would pass 2^64 − 1 (a window
    /// at the very top of the address space with a length that does not fit below it).
    static func firstMultiple(of step: UInt64, from first: UInt64) -> UInt64? {
        guard step > 0 else { return first }
        let r = first % step
        if r == 0 { return first }
        let (up, overflow) = first.addingReportingOverflow(step - r)
        return overflow ? nil : up
    }

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
    static func isVIOMMU(_ b: ObjectBody) -> Bool { if case .viommu = b { return true }; return false }
    static func isFault(_ b: ObjectBody) -> Bool { if case .fault = b { return true }; return false }
    static func isVEventQ(_ b: ObjectBody) -> Bool { if case .veventq = b { return true }; return false }
    static func isAccess(_ b: ObjectBody) -> Bool { if case .access = b { return true }; return false }

    /// Appends iommufd's candidate operations in `state`, in a fixed order. The products of the
    /// bounds (pairs × addresses × ids, pairs², probes) are generated families, produced only as
    /// the explorer reaches them.
    public func actions(of state: IOMMUFDState, into out: inout ActionFamilies<IOMMUFDOperation>) {
        typealias C = IOMMUFDConstants
        let g = groups
        let ioasIDs = ids(state, Self.isIOAS)
        let rw = C.IOMMU_IOAS_MAP_READABLE | C.IOMMU_IOAS_MAP_WRITEABLE
        let flagSets: [UInt32] = [C.IOMMU_IOAS_MAP_READABLE, C.IOMMU_IOAS_MAP_WRITEABLE, rw]
        if g.contains(.ioas) { out.append(.ioasAlloc(flags: 0)) }
        if g.contains(.map) {
            // ids × pairs × user addresses × flag sets, innermost last.
            let pairs = self.pairs, vas = vaCount
            out.append(ioasIDs.count * pairs.count, by: vas * 3) { [self] idPair, vaFlags in
                let (iova, length) = pairs[idPair % pairs.count]
                let flags = flagSets[vaFlags % 3] | C.IOMMU_IOAS_MAP_FIXED_IOVA
                return .ioasMap(IOASMapArgs(flags: flags, ioasID: ioasIDs[idPair / pairs.count], iova: iova, length: length,
                                            userVA: userVA(for: iova, vaFlags / 3)))
            }
        }
        if g.contains(.autoMap) {
            for id in ioasIDs { for length in bounds.lengths { for va in userVAs(for: bounds.window.first) {
                out.append(.ioasMap(IOASMapArgs(flags: rw, ioasID: id, length: length, userVA: va)))
            } } }
        }
        if g.contains(.unmap) {
            // Per id: each pair, then unmap-all.
            let pairs = self.pairs
            out.append(ioasIDs.count, by: pairs.count + 1) { i, k in
                k < pairs.count ? .ioasUnmap(ioasID: ioasIDs[i], iova: pairs[k].iova, length: pairs[k].length)
                    : .ioasUnmap(ioasID: ioasIDs[i], iova: 0, length: .max)
            }
        }
        if g.contains(.copy) {
            // src × dst × (source pair, destination pair of the same length).
            out.append(ioasIDs.count * ioasIDs.count, by: samePairCount) { [self] ids, k in
                let (src, dst) = samePair(k)
                return .ioasCopy(IOASCopyArgs(flags: rw | C.IOMMU_IOAS_MAP_FIXED_IOVA, dstIOASID: ioasIDs[ids % ioasIDs.count],
                                              srcIOASID: ioasIDs[ids / ioasIDs.count], length: src.length, dstIOVA: dst.iova, srcIOVA: src.iova))
            }
        }
        if g.contains(.allowIOVAs) {
            for id in ioasIDs {
                out.append(.ioasAllowIOVAs(ioasID: id, ranges: [], reserved: 0))
                // With several windows per RID, halves of the window make disjoint windows reachable.
                for r in config.multiAttach != .perPasid ? windowAndHalves : [bounds.window] { out.append(.ioasAllowIOVAs(ioasID: id, ranges: [r], reserved: 0)) }
            }
        }
        if g.contains(.reserved) {
            let pairs = self.pairs
            out.append(ioasIDs.count, by: pairs.count) { i, k in
                .addReserved(ioasID: ioasIDs[i], start: pairs[k].iova, length: pairs[k].length)
            }
        }
        if g.contains(.option) {
            for id in ioasIDs { for v: UInt64 in [0, 1] {
                out.append(.option(optionID: C.IOMMU_OPTION_HUGE_PAGES, op: C.IOMMU_OPTION_OP_SET, objectID: id, value: v, reserved: 0))
            } }
            for v: UInt64 in [0, 1] {
                out.append(.option(optionID: C.IOMMU_OPTION_RLIMIT_MODE, op: C.IOMMU_OPTION_OP_SET, objectID: 0, value: v, reserved: 0))
            }
        }
        let deviceIDs = ids(state, Self.isDevice)
        if g.contains(.hwpt) {
            let flags = [0, C.IOMMU_HWPT_ALLOC_PASID, C.IOMMU_HWPT_ALLOC_NEST_PARENT]
            for dev in deviceIDs { for pt in ioasIDs { for f in flags {
                out.append(.hwptAlloc(HWPTAllocArgs(flags: f, devID: dev, ptID: pt)))
            } } }
        }
        if g.contains(.nested) { nestedActions(state, deviceIDs, into: &out) }
        if g.contains(.dirty) { dirtyActions(state, deviceIDs, ioasIDs, into: &out) }
        if g.contains(.viommu) { viommuActions(state, deviceIDs, into: &out) }
        if g.contains(.hwQueue) { hwQueueActions(state, into: &out) }
        if g.contains(.invalidate) { invalidateActions(state, into: &out) }
        if g.contains(.fault) { faultActions(state, deviceIDs, ioasIDs, into: &out) }
        if g.contains(.veventq) { veventqActions(state, deviceIDs, into: &out) }
        if g.contains(.access) { accessActions(state, ioasIDs, into: &out) }
        if g.contains(.vfioCompat) { vfioCompatActions(ioasIDs, into: &out) }
        if g.contains(.mapFile) { fileActions(state, ioasIDs, into: &out) }
        if g.contains(.selftestChecks) { selftestCheckActions(state, into: &out) }
        if g.contains(.hwInfo) { for dev in deviceIDs { out.append(.getHWInfo(HWInfoArgs(devID: dev))) } }
        if g.contains(.bind) { for d in topology.devices.indices { out.append(.bind(device: d, iommufd: nil, flags: 0)) } }
        if g.contains(.attach) {
            // Per device: each target at the RID and each PASID, then detach at the RID and each PASID.
            let pts = ids(state) { Self.isIOAS($0) || Self.isHWPT($0) }, pasids = bounds.pasids, width = pasids.count + 1
            out.append(topology.devices.count, by: (pts.count + 1) * width) { d, k in
                let (target, p) = (k / width, k % width)
                let pasid = p == 0 ? 0 : pasids[p - 1]
                if target < pts.count {
                    return .attach(device: d, flags: p == 0 ? 0 : C.VFIO_DEVICE_ATTACH_PASID, ptID: pts[target], pasid: pasid)
                }
                return .detach(device: d, flags: p == 0 ? 0 : C.VFIO_DEVICE_DETACH_PASID, pasid: pasid)
            }
        }
        if g.contains(.testPasid) {
            // Per device and explored PASID: attach and replace to each IOAS or HWPT, then detach.
            let pts = ids(state) { Self.isIOAS($0) || Self.isHWPT($0) }
            for d in topology.devices.indices { for pasid in bounds.pasids {
                for pt in pts {
                    out.append(.testPasidAttach(device: d, pasid: pasid, ptID: pt))
                    out.append(.testPasidReplace(device: d, pasid: pasid, ptID: pt))
                }
                out.append(.testPasidDetach(device: d, pasid: pasid))
            } }
        }
        if g.contains(.close) { for d in topology.devices.indices { out.append(.close(device: d)) } }
        if g.contains(.destroy) {
            for o in state.objects { out.append(.destroy(id: o.id)) }
            out.append(.destroy(id: state.nextObjectID))
        }
        if g.contains(.translate) {
            translateFamilies(state.hardware, into: &out) { .translate(device: $0.device, pasid: $0.pasid, iova: $0.iova, access: $0.access) }
        }
    }

    /// TRANSLATE as every design explores it: each routed device, at each probe IOVA, read and
    /// write (one generated family per routed device).
    func translateFamilies<Op>(_ hardware: Hardware, into out: inout ActionFamilies<Op>, _ make: @escaping (DMARequest) -> Op) {
        let probes = self.probes, accesses = Access.allCases
        for r in hardware.routes { for d in topology.members(of: Int(r.group)) {
            out.append(probes.count, by: accesses.count) { i, a in make(DMARequest(device: d, pasid: r.pasid, iova: probes[i], access: accesses[a])) }
        } }
    }

    /// `ops +nested`: nested HWPTs over nest parents, and the guest's stage-1 edits.
    func nestedActions(_ state: IOMMUFDState, _ deviceIDs: [UInt32], into out: inout ActionFamilies<IOMMUFDOperation>) {
        let parents = state.objects.filter { if case .hwptPaging(let h) = $0.body { return h.nestParent }; return false }.map(\.id)
        let probes = self.probes
        for dev in deviceIDs {
            let device: Int? = { if case .device(let d)? = state.object(dev)?.body { return d }; return nil }()
            let s1 = device.map { topology.iommu(of: $0).stage1Preset } ?? topology.iommus.first?.stage1Preset ?? .tiny2x2
            out.append(parents.count, by: probes.count) { p, r in .hwptAlloc(HWPTAllocArgs(flags: 0, devID: dev, ptID: parents[p], s1Format: s1, s1Root: probes[r])) }
        }
        for o in state.objects {
            guard case .hwptNested = o.body else { continue }
            for (iova, length) in pairs {
                // The GPAs whose whole length fits below the window's end: a prefix of the probes.
                let fits = guestGPACount(length: length)
                out.append(count: fits) { .guestS1Map(hwptID: o.id, iova: iova, gpa: probes[$0], length: length, permissions: .readWrite, tableGPA: nil) }
                out.append(.guestS1Unmap(hwptID: o.id, iova: iova, length: length))
            }
        }
    }

    /// The virtual ids `ops +viommu` gives vDEVICEs: two, so that a second device can take a free
    /// id or claim a used one.
    static let virtIDs: [UInt64] = [0x1, 0x2]

    /// `ops +viommu`: a vIOMMU of the device's own type over each nest parent (and over one id of
    /// another kind), vDEVICEs of each device in each vIOMMU, and nested HWPTs through each vIOMMU
    /// with the window's first GPA as the guest's stage-1 root.
    func viommuActions(_ state: IOMMUFDState, _ deviceIDs: [UInt32], into out: inout ActionFamilies<IOMMUFDOperation>) {
        let parents = ids(state) { if case .hwptPaging(let h) = $0 { return h.nestParent }; return false }
        let viommus = ids(state, Self.isVIOMMU)
        let root = probes.first ?? bounds.window.first
        for dev in deviceIDs {
            let device: Int? = { if case .device(let d)? = state.object(dev)?.body { return d }; return nil }()
            let iommu = device.map { topology.devices[$0].iommu } ?? 0
            let type = Self.viommuType(topology.iommus[iommu])
            for pt in parents { out.append(.viommuAlloc(VIOMMUAllocArgs(type: type, devID: dev, hwptID: pt))) }
            for v in viommus {
                for virt in Self.virtIDs { out.append(.vdeviceAlloc(viommuID: v, devID: dev, virtID: virt)) }
                out.append(.hwptAlloc(HWPTAllocArgs(flags: 0, devID: dev, ptID: v, s1Format: topology.iommus[iommu].stage1Preset, s1Root: root)))
            }
        }
    }

    /// `ops +hw-queue`: queues 0 and 1 of the selftest's type in each vIOMMU (and one id of
    /// another kind) over each (IOVA, length) pair.
    func hwQueueActions(_ state: IOMMUFDState, into out: inout ActionFamilies<IOMMUFDOperation>) {
        let viommus = ids(state, Self.isVIOMMU), pairs = self.pairs
        let type = IOMMUFDConstants.IOMMU_HW_QUEUE_TYPE_SELFTEST
        out.append(viommus.count * 2, by: pairs.count) { vi, k in
            .hwQueueAlloc(HWQueueAllocArgs(viommuID: viommus[vi / 2], type: type, index: UInt32(vi % 2), iova: pairs[k].iova, length: pairs[k].length))
        }
    }

    /// `ops +invalidate`: one invalidate-all entry, as each target's driver spells it, on each
    /// nested HWPT and vIOMMU (and one id of another kind); on an SMMUv3 vIOMMU also a TLBI
    /// followed by a command the driver refuses.
    func invalidateActions(_ state: IOMMUFDState, into out: inout ActionFamilies<IOMMUFDOperation>) {
        typealias C = IOMMUFDConstants
        let targets = ids(state) { b in
            switch b { case .hwptNested, .viommu: return true; default: return false }
        }
        for t in targets {
            let isViommu = state.viommu(t) != nil
            let driver: InvalidateDriver? = state.viommu(t).flatMap { InvalidateDriver(viommuType: $0.type) }
                ?? state.nested(t).flatMap { state.hardware.domain($0.domain) }.flatMap { InvalidateDriver(nestedOn: topology.iommus[$0.iommu].preset) }
            let type = driver?.dataType ?? C.IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, length = driver?.entryLen ?? 8
            switch driver?.kind {
            case .smmuVIOMMU?:
                out.append(.hwptInvalidate(InvalidateArgs(hwptID: t, dataType: type, entryLen: length, entryNum: 1, entries: [InvalidateEntry(opcode: 0x10)])))
                out.append(.hwptInvalidate(InvalidateArgs(hwptID: t, dataType: type, entryLen: length, entryNum: 2,
                                                          entries: [InvalidateEntry(opcode: 0x10), InvalidateEntry(opcode: 0x03)])))
            case .mockVIOMMU?:
                for v in Self.virtIDs {
                    out.append(.hwptInvalidate(InvalidateArgs(hwptID: t, dataType: type, entryLen: length, entryNum: 1,
                                                              entries: [InvalidateEntry(flags: C.IOMMU_TEST_INVALIDATE_FLAG_ALL, vdevID: v)])))
                }
            default:
                let flags = isViommu ? 0 : C.IOMMU_TEST_INVALIDATE_FLAG_ALL
                out.append(.hwptInvalidate(InvalidateArgs(hwptID: t, dataType: type, entryLen: length, entryNum: 1, entries: [InvalidateEntry(flags: flags)])))
            }
        }
    }

    /// `ops +fault`: a FAULT, paging HWPTs reporting to each FAULT, a page request from each bound
    /// device at the RID and each explored PASID, a read, both responses to the first cookie,
    /// and closing the fd.
    func faultActions(_ state: IOMMUFDState, _ deviceIDs: [UInt32], _ ioasIDs: [UInt32], into out: inout ActionFamilies<IOMMUFDOperation>) {
        typealias C = IOMMUFDConstants
        out.append(.faultQueueAlloc(flags: 0))
        let faults = ids(state, Self.isFault)
        for dev in deviceIDs { for pt in ioasIDs { for f in faults {
            out.append(.hwptAlloc(HWPTAllocArgs(flags: C.IOMMU_HWPT_FAULT_ID_VALID, devID: dev, ptID: pt, faultID: f)))
        } } }
        for dev in deviceIDs { for pasid in [0] + bounds.pasids { out.append(.triggerIOPF(devID: dev, pasid: pasid)) } }
        for f in faults {
            out.append(.faultRead(faultID: f, count: 1))
            for code: UInt32 in [0, 1] { out.append(.faultRespond(faultID: f, cookie: 1, code: code)) }
            out.append(.eventFDClose(id: f))
        }
    }

    /// `ops +map-file`: MAP_FILE of each memfd (from offset 0) and of each open dma-buf over the
    /// pairs that fit, into each IOAS at the pair's IOVA; FTRUNCATE of each memfd to 0 and back;
    /// a one-page dma-buf while fewer than `objects dmabuf=` (1) are open; revoking, allowing and
    /// closing each; CHANGE_PROCESS by the VMM and by a second process.
    func fileActions(_ state: IOMMUFDState, _ ioasIDs: [UInt32], into out: inout ActionFamilies<IOMMUFDOperation>) {
        typealias C = IOMMUFDConstants
        let rw = C.IOMMU_IOAS_MAP_READABLE | C.IOMMU_IOAS_MAP_WRITEABLE | C.IOMMU_IOAS_MAP_FIXED_IOVA
        for (m, file) in topology.memfds.enumerated() {
            let fd = topology.memfdFD(m)
            for id in ioasIDs { for p in pairs {
                out.append(.ioasMapFile(IOASMapFileArgs(flags: rw, ioasID: id, fd: fd, start: 0, length: p.length, iova: p.iova)))
            } }
            out.append(.ftruncate(fd: fd, length: 0))
            out.append(.ftruncate(fd: fd, length: file.size))
        }
        let open = state.dmabufs.filter(\.fdOpen)
        if open.count < bounds.objects["dmabuf"] ?? 1 { out.append(.dmabufGet(length: topology.host.pageSize, openFlags: 0)) }
        for b in open {
            for id in ioasIDs { for p in pairs where p.length <= b.size {
                out.append(.ioasMapFile(IOASMapFileArgs(flags: rw, ioasID: id, fd: b.fd, start: 0, length: p.length, iova: p.iova)))
            } }
            out.append(.dmabufRevoke(fd: b.fd, revoked: 1))
            out.append(.dmabufRevoke(fd: b.fd, revoked: 0))
            out.append(.dmabufClose(fd: b.fd))
        }
        for process: UInt8 in [0, 1] { out.append(.changeProcess(reserved: 0, process: process)) }
        // Process 1's memory: its maps of the pairs into the first IOAS, and its exit.
        if let id = ioasIDs.first {
            for p in pairs {
                var map = IOASMapArgs(flags: rw, ioasID: id, iova: p.iova, length: p.length, userVA: userVA(for: p.iova, 0))
                map.process = 1
                out.append(.ioasMap(map))
            }
        }
        out.append(.processExit(process: 1))
    }

    /// `ops +selftest-checks`: the selftest's own checks on each paging HWPT over the pairs
    /// (MD_CHECK_MAP against the user memory the map group uses, MD_CHECK_DMABUF of each open
    /// dma-buf), MD_CHECK_REFS of that memory (refs 0 and 1), and the mock's dirty-bit setter over
    /// the window (every page).
    func selftestCheckActions(_ state: IOMMUFDState, into out: inout ActionFamilies<IOMMUFDOperation>) {
        let hwpts = ids(state, Self.isHWPT)
        let pageSize = topology.host.pageSize
        for h in hwpts {
            for p in pairs {
                out.append(.checkMockMap(hwptID: h, iova: p.iova, length: p.length, uptr: userVA(for: p.iova, 0)))
                for b in state.dmabufs where b.fdOpen && p.length <= b.size {
                    out.append(.checkMockDmabuf(hwptID: h, fd: b.fd, iova: p.iova, length: p.length, offset: 0))
                }
            }
            out.append(.mockSetDirty(hwptID: h, iova: bounds.window.first, length: bounds.window.length, pageSize: pageSize, stride: 1))
        }
        for p in pairs { for refs: UInt32 in [0, 1] {
            // The pages under the pair's memory; lengths near 2^64 stay as they are (EINVAL).
            let va = userVA(for: p.iova, 0)
            let (end, wrapped) = p.length.addingReportingOverflow(pageSize - 1)
            out.append(.checkRefs(uptr: va - va % pageSize, length: wrapped ? p.length : end / pageSize * pageSize, refs: refs))
        } }
    }

    /// `ops +vfio-compat`: IOMMU_VFIO_IOAS SET of each IOAS, CLEAR and GET; VFIO_SET_IOMMU of
    /// both types; MAP_DMA (read+write) and UNMAP_DMA over the pairs, UNMAP_ALL; and the
    /// queries whose answer depends on the state (CHECK_EXTENSION DMA_CC_IOMMU, GET_INFO).
    func vfioCompatActions(_ ioasIDs: [UInt32], into out: inout ActionFamilies<IOMMUFDOperation>) {
        typealias C = IOMMUFDConstants
        typealias Size = IOMMUFD.VFIOStructSize
        for id in ioasIDs { out.append(.vfioIOAS(op: C.IOMMU_VFIO_IOAS_SET, ioasID: id, reserved: 0)) }
        out.append(.vfioIOAS(op: C.IOMMU_VFIO_IOAS_CLEAR, ioasID: 0, reserved: 0))
        out.append(.vfioIOAS(op: C.IOMMU_VFIO_IOAS_GET, ioasID: 0, reserved: 0))
        for type in [C.VFIO_TYPE1_IOMMU, C.VFIO_TYPE1v2_IOMMU] { out.append(.vfioSetIOMMU(arg: type)) }
        let rw = C.VFIO_DMA_MAP_FLAG_READ | C.VFIO_DMA_MAP_FLAG_WRITE
        for (iova, length) in pairs {
            for va in userVAs(for: iova) { out.append(.vfioMapDMA(argsz: Size.dmaMap, flags: rw, vaddr: va, iova: iova, size: length)) }
        }
        for (iova, length) in pairs { out.append(.vfioUnmapDMA(argsz: Size.dmaUnmap, flags: 0, iova: iova, size: length)) }
        out.append(.vfioUnmapDMA(argsz: Size.dmaUnmap, flags: C.VFIO_DMA_UNMAP_FLAG_ALL, iova: 0, size: 0))
        out.append(.vfioCheckExtension(arg: C.VFIO_DMA_CC_IOMMU))
        out.append(.vfioGetInfo(argsz: UInt32.max))
    }

    /// `ops +access`: an access of each kind on each IOAS; for each access, a pin of each pair,
    /// the unpin of each range it holds, a read and a write of each pair, a replace onto each
    /// IOAS, and closing its fd.
    func accessActions(_ state: IOMMUFDState, _ ioasIDs: [UInt32], into out: inout ActionFamilies<IOMMUFDOperation>) {
        typealias C = IOMMUFDConstants
        for id in ioasIDs { for flags in [0, C.MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES] { out.append(.createAccess(ioasID: id, flags: flags)) } }
        for o in state.objects {
            guard case .access(let a) = o.body else { continue }
            let fd = UInt32(IOMMUFD.eventFD(o.id))
            for p in pairs { out.append(.accessPages(AccessPagesArgs(fd: fd, iova: p.iova, length: p.length))) }
            for item in a.items { out.append(.destroyAccessPages(fd: fd, itemID: item.id)) }
            for p in pairs { for flags in [0, C.MOCK_ACCESS_RW_WRITE] {
                out.append(.accessRW(AccessRWArgs(fd: fd, iova: p.iova, length: p.length, flags: flags)))
            } }
            for id in ioasIDs { out.append(.accessReplaceIOAS(fd: fd, ioasID: id)) }
            out.append(.accessClose(fd: fd))
        }
    }

    /// `ops +veventq`: a vEVENTQ of depth 1 of the selftest's type on each vIOMMU, an event from
    /// each bound device, a read of two, and closing the fd.
    func veventqActions(_ state: IOMMUFDState, _ deviceIDs: [UInt32], into out: inout ActionFamilies<IOMMUFDOperation>) {
        let viommus = ids(state, Self.isVIOMMU)
        for v in viommus {
            out.append(.veventqAlloc(viommuID: v, type: IOMMUFDConstants.IOMMU_VEVENTQ_TYPE_SELFTEST, depth: 1, flags: 0, reserved: 0))
        }
        for dev in deviceIDs { out.append(.triggerVEvent(devID: dev)) }
        for q in ids(state, Self.isVEventQ) {
            out.append(.veventqRead(veventqID: q, count: 2))
            out.append(.eventFDClose(id: q))
        }
    }

    /// The vIOMMU type the explorer asks for behind an IOMMU: its driver's, else the selftest's
    /// (refused where the driver has no vIOMMU).
    static func viommuType(_ iommu: IOMMUSpec) -> UInt32 {
        iommu.preset.format.family == .armLPAE ? IOMMUFDConstants.IOMMU_VIOMMU_TYPE_ARM_SMMUV3 : IOMMUFDConstants.IOMMU_VIOMMU_TYPE_SELFTEST
    }

    /// `ops +dirty`: dirty-tracking HWPTs, SET_DIRTY_TRACKING on and off, and bitmap reads (with
    /// and without NO_CLEAR) over the (IOVA, length) pairs in host pages.
    func dirtyActions(_ state: IOMMUFDState, _ deviceIDs: [UInt32], _ ioasIDs: [UInt32], into out: inout ActionFamilies<IOMMUFDOperation>) {
        typealias C = IOMMUFDConstants
        for dev in deviceIDs { for pt in ioasIDs {
            out.append(.hwptAlloc(HWPTAllocArgs(flags: C.IOMMU_HWPT_ALLOC_DIRTY_TRACKING, devID: dev, ptID: pt)))
        } }
        let hwpts = ids(state, Self.isHWPT), pairs = self.pairs, page = topology.host.pageSize
        for h in hwpts { for flags: UInt32 in [C.IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0] { out.append(.setDirtyTracking(hwptID: h, flags: flags)) } }
        out.append(hwpts.count, by: pairs.count * 2) { i, k in
            let (iova, length) = pairs[k / 2]
            return .getDirtyBitmap(DirtyBitmapArgs(hwptID: hwpts[i], flags: k % 2 == 0 ? 0 : C.IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
                                                   iova: iova, length: length, pageSize: page))
        }
    }

    /// How many probes `gpa` have `gpa + length - 1` within the window (never overflowing).
    func guestGPACount(length: UInt64) -> Int {
        guard length >= 1, length - 1 <= bounds.window.last else { return 0 }
        let limit = bounds.window.last - (length - 1)
        return limit == .max ? probes.count : lowerBound(probes, limit + 1) { $0 }
    }

    /// Live objects per `objects` kind (auto HWPTs count as hwpt).
    public func exceedsCaps(_ state: IOMMUFDState) -> Bool {
        if caps.domain != .max, state.hardware.domains.lazy.filter({ !$0.freed }).count > caps.domain { return true }
        // `pasid=N`: at most N PASID attachments (a RID's is not one).
        if caps.pasid != .max, state.attachments.lazy.filter({ $0.pasid != 0 }).count > caps.pasid { return true }
        guard caps.ioas != .max || caps.hwpt != .max || caps.device != .max || caps.viommu != .max || caps.fault != .max
                || caps.access != .max else { return false }
        var ioas = 0, hwpt = 0, device = 0, viommu = 0, fault = 0, access = 0
        for i in state.objects.indices {
            switch state.objects[i].body {
            case .ioas: ioas += 1
            case .hwptPaging, .hwptNested: hwpt += 1
            case .device: device += 1
            case .viommu: viommu += 1
            case .fault: fault += 1
            case .access: access += 1
            case .vdevice, .hwQueue, .veventq: break
            }
        }
        return ioas > caps.ioas || hwpt > caps.hwpt || device > caps.device || viommu > caps.viommu || fault > caps.fault
            || access > caps.access
    }
}
