/// The state in words, one fact a line, so that traces can show only the lines that changed.
extension IOMMUFDState {
    public func describe(_ topology: Topology) -> [String] {
        Self.accountLines(accountMode) + Self.vfioIOASLines(vfioIOAS) + Self.fileLines(self) + objects.flatMap { Self.lines(of: $0, topology) } + Self.tombstoneLines(tombstones)
            + Self.mockCacheLines(mockCacheCleared, topology) + Self.attachmentLines(attachments, topology)
            + Self.ridThroughPasidLines(ridThroughPasid, topology) + hardware.describe(topology)
    }

    static func ioasHeader(_ o: FDObject, _ x: IOAS) -> String {
        var line = "ioas \(o.id): users \(o.users)"
        if !x.allowed.isEmpty { line += ", allowed " + x.allowed.map(\.description).joined(separator: " ") }
        if x.disableLargePages { line += ", huge pages off" }
        if !x.testReserved.isEmpty { line += ", test-reserved " + x.testReserved.map(\.description).joined(separator: " ") }
        // Creation order matters only where it is not id order (automatic domain reuse).
        if x.hwptOrder != x.hwptOrder.sorted() { line += ", automatic hwpts created " + x.hwptOrder.map(String.init).joined(separator: ",") }
        return line
    }

    static func areaLine(_ ioas: UInt32, _ a: Area) -> String {
        var line = "ioas \(ioas) area \(a.range) -> va \(SizeText.hex(a.userVA)) \(a.permissions)"
        switch a.backing {
        case .user: break
        case .memfd(let m): line += ", memfd \(m)"
        case .dmabuf(let b): line += ", dma-buf \(b)"
        }
        if a.revoked { line += ", revoked" }
        if a.owner != 0 { line += ", memory of process \(a.owner)" }
        return line
    }

    /// The process charged, the memfds' sizes after `FTRUNCATE`, and the dma-bufs.
    static func fileLines(_ s: IOMMUFDState) -> [String] {
        var out: [String] = []
        if s.chargedProcess != 0 { out.append("pinned pages charged to process \(s.chargedProcess)") }
        let exited = (1...7).filter { s.exitedProcesses & (1 << $0) != 0 }
        if !exited.isEmpty { out.append("processes exited: " + exited.map(String.init).joined(separator: ",")) }
        if !s.fileSizes.isEmpty { out.append("memfd sizes " + s.fileSizes.map(SizeText.hex).joined(separator: ",")) }
        for (i, b) in s.dmabufs.enumerated() where b.fdOpen || b.size != 0 {
            out.append("dma-buf \(i): fd \(b.fd), \(SizeText.hex(b.size)) bytes\(b.revoked ? ", revoked" : "")\(b.fdOpen ? "" : ", fd closed")")
        }
        return out
    }

    static func lines(of o: FDObject, _ topology: Topology) -> [String] {
        switch o.body {
        case .ioas(let x):
            return [ioasHeader(o, x)] + x.areas.map { areaLine(o.id, $0) }
        case .hwptPaging(let h):
            var tags: [String] = []
            if h.autoDomain { tags.append("auto") }
            if h.nestParent { tags.append("nest-parent") }
            if h.pasidCompat { tags.append("pasid") }
            if h.fault != 0 { tags.append("faults to \(h.fault)") }
            return ["hwpt \(o.id): paging on ioas \(h.ioas), domain \(h.domain)\(tags.isEmpty ? "" : " (" + tags.joined(separator: ", ") + ")"), users \(o.users)"]
        case .hwptNested(let n):
            let through = (n.viommu != 0 ? " through viommu \(n.viommu)" : "") + (n.fault != 0 ? ", faults to \(n.fault)" : "")
                + (n.mockIOTLBCleared != 0 ? ", mock IOTLB slots zeroed \(String(n.mockIOTLBCleared, radix: 2))" : "")
            return ["hwpt \(o.id): nested over hwpt \(n.parent)\(through), domain \(n.domain)\(n.pasidCompat ? " (pasid)" : "")\(n.autoDomain ? " (auto)" : ""), users \(o.users)"]
        case .viommu(let v):
            let region = v.mmapOffset.map { ", region at mmap offset \(SizeText.hex($0)) mapped \(v.mmapCount) time(s)" } ?? ""
            return ["viommu \(o.id): type \(SizeText.hex(UInt64(v.type))) on iommu \(topology.iommus[v.iommu].name) over hwpt \(v.hwpt)\(region), users \(o.users)"]
        case .fault(let q):
            func text(_ r: FaultRecord) -> String {
                "device \(r.deviceID)\(r.pasid == 0 ? "" : " pasid \(r.pasid)") via hwpt \(r.hwpt)\(r.cookie == 0 ? "" : " cookie \(r.cookie)")"
            }
            var line = "fault \(o.id): \(q.fdOpen ? "fd open" : "fd closed"), users \(o.users)"
            if !q.queued.isEmpty { line += ", queued " + q.queued.map(text).joined(separator: "; ") }
            if !q.awaiting.isEmpty { line += ", awaiting response " + q.awaiting.map(text).joined(separator: "; ") }
            return [line]
        case .veventq(let q):
            var line = "veventq \(o.id): type \(SizeText.hex(UInt64(q.type))) of viommu \(q.viommu), depth \(q.depth), \(q.fdOpen ? "fd open" : "fd closed"), next sequence \(q.sequence)"
            if !q.events.isEmpty { line += ", events " + q.events.map { "#\($0.sequence) virtual id \(SizeText.hex($0.virtID))" }.joined(separator: ", ") }
            if let lost = q.lostSequence { line += ", events lost (header #\(lost))" }
            return [line + ", users \(o.users)"]
        case .hwQueue(let q):
            let after = q.depends != 0 ? ", after hw_queue \(q.depends)" : ""
            return ["hw_queue \(o.id): index \(q.index) of viommu \(q.viommu) at IOVA \(SizeText.hex(q.iova))+\(SizeText.hex(q.length)) (PA \(SizeText.hex(q.basePA)))\(after), users \(o.users)"]
        case .vdevice(let v):
            return ["vdevice \(o.id): \(topology.devices[v.device].name) (device \(v.deviceID)) is virtual id \(SizeText.hex(v.virtID)) in viommu \(v.viommu)"]
        case .device(let d):
            return ["device \(o.id): \(topology.devices[d].name) bound, users \(o.users)"]
        case .access(let a):
            var line = "access \(o.id) (fd \(IOMMUFD.eventFD(o.id))): \(a.needsPin ? "pins pages" : "reads and writes only"), "
            line += a.ioas == 0 ? "detached" : "on ioas \(a.ioas)"
            if !a.items.isEmpty { line += ", pinned " + a.items.map { "#\($0.id) ioas \($0.ioas) \($0.range)" }.joined(separator: ", ") }
            return [line + ", users \(o.users)"]
        }
    }

    static func mockCacheLines(_ cleared: [UInt8], _ topology: Topology) -> [String] {
        cleared.enumerated().filter { $0.element != 0 }.map { d, m in
            "device \(topology.devices[d].name): mock cache slots " + (0..<4).filter { m & (1 << $0) != 0 }.map(String.init).joined(separator: ",") + " zeroed"
        }
    }

    static func tombstoneLines(_ ids: [UInt32]) -> [String] {
        ids.isEmpty ? [] : ["tombstones (ids kept until the fd closes): " + ids.map(String.init).joined(separator: ",")]
    }

    /// The accounting mode, when not the default (user).
    static func accountLines(_ mode: UInt8) -> [String] { mode == 0 ? [] : ["pinned pages charged to the mm (RLIMIT_MODE 1)"] }

    static func vfioIOASLines(_ id: UInt32) -> [String] { id == 0 ? [] : ["VFIO compat IOAS: ioas \(id)"] }

    static func ridThroughPasidLines(_ mask: UInt64, _ topology: Topology) -> [String] {
        topology.devices.indices.filter { mask & (1 << UInt64($0)) != 0 }.map { "device \(topology.devices[$0].name): RID attached through the PASID flag (pasid 0)" }
    }

    static func attachmentLines(_ attachments: [Attachment], _ topology: Topology) -> [String] {
        attachments.map { a in
            let names = topology.devices.indices.filter { a.devices & (1 << UInt64($0)) != 0 }.map { topology.devices[$0].name }
            return "group \(topology.groups[Int(a.group)])\(a.pasid == 0 ? "" : " pasid \(a.pasid)"): attached to hwpt \(a.hwpt) by \(names.joined(separator: ","))"
        }
    }

    /// The lines of `describe` that differ from `before`: removed ones prefixed `-`, added `+`.
    public func changes(since before: IOMMUFDState, _ topology: Topology) -> [String] {
        var c = LineChanges()
        changes(since: before, topology, into: &c)
        return c.lines
    }

    /// The changes of a design built on this kernel: its own part compared whole (it is small),
    /// then the kernel's part by part — in the order its `describe` lists them.
    public static func changes<Own: Equatable>(own old: Own, _ new: Own, _ lines: (Own) -> [String],
                                               kernel before: IOMMUFDState, _ after: IOMMUFDState, _ topology: Topology) -> [String] {
        var c = LineChanges()
        c.whole(old, new, lines)
        after.changes(since: before, topology, into: &c)
        return c.lines
    }

    /// The changes part by part: objects merged by id (an IOAS's areas merged by IOVA), then the
    /// attachments, then the hardware — only what differs is described.
    public func changes(since before: IOMMUFDState, _ topology: Topology, into c: inout LineChanges) {
        c.whole(before.accountMode, accountMode) { Self.accountLines($0) }
        c.whole(before.vfioIOAS, vfioIOAS) { Self.vfioIOASLines($0) }
        c.whole(Self.fileLines(before), Self.fileLines(self)) { $0 }
        c.merge(before.objects, objects, key: \.id, describe: { Self.lines(of: $0, topology) }) { c, old, new in
            if case .ioas(let x) = old.body, case .ioas(let y) = new.body {
                c.whole(Self.ioasHeader(old, x), Self.ioasHeader(new, y)) { [$0] }
                c.merge(x.areas, y.areas, key: \.range.first) { [Self.areaLine(new.id, $0)] }
            } else {
                c.whole(old, new) { Self.lines(of: $0, topology) }
            }
        }
        c.whole(before.tombstones, tombstones) { Self.tombstoneLines($0) }
        c.whole(before.mockCacheCleared, mockCacheCleared) { Self.mockCacheLines($0, topology) }
        c.whole(before.attachments, attachments) { Self.attachmentLines($0, topology) }
        c.whole(before.ridThroughPasid, ridThroughPasid) { Self.ridThroughPasidLines($0, topology) }
        hardware.changes(since: before.hardware, topology, into: &c)
    }
}
