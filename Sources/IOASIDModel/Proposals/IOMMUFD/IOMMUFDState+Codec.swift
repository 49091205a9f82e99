import Explorer

/// A state written as 64-bit words and read back, so that a breadth-first frontier holds compact
/// encodings rather than values whose buffers the explorer must retain and release. Every stored
/// field is written; `decode(encode(s)) == s` is tested on random walks over every shipped model.
extension IOMMUFDState {
    public func encode<W: WordSink>(into w: inout W) {
        // Tombstones share the count word: a state without them keeps its words.
        w.put(UInt64(objects.count) | UInt64(tombstones.count) << 32 | UInt64(mockCacheCleared.count) << 48)
        for id in tombstones { w.put(UInt64(id)) }
        for m in mockCacheCleared { w.put(UInt64(m)) }
        // By index, here and below: every successor is encoded for its fingerprint, and
        // `for o in objects` copies each object with its references.
        for i in objects.indices {
            w.put(UInt64(objects[i].id) | UInt64(objects[i].users) << 32)
            switch objects[i].body {
            case .ioas(let x):
                // The reserved ranges have their own flag: a state without them keeps its words.
                w.put(1 | (x.disableLargePages ? 0x100 : 0) | (x.testReserved.isEmpty ? 0 : 0x200))
                w.put(UInt64(x.areas.count) | UInt64(x.allowed.count) << 32)
                for a in x.areas {
                    w.put(a.range.first); w.put(a.range.last); w.put(a.userVA)
                    w.put(Self.areaFlags(a))
                }
                for r in x.allowed { w.put(r.first); w.put(r.last) }
                w.put(UInt64(x.hwptOrder.count))
                for id in x.hwptOrder { w.put(UInt64(id)) }
                if !x.testReserved.isEmpty {
                    w.put(UInt64(x.testReserved.count))
                    for r in x.testReserved { w.put(r.first); w.put(r.last) }
                }
            case .hwptPaging(let h):
                w.put(2 | UInt64(h.domain) << 8 | (h.autoDomain ? 1 << 24 : 0) | (h.nestParent ? 1 << 25 : 0) | (h.pasidCompat ? 1 << 26 : 0)
                         | (h.fault != 0 ? 1 << 28 : 0) | UInt64(h.ioas) << 32)
                if h.fault != 0 { w.put(UInt64(h.fault)) }
            case .hwptNested(let n):
                w.put(3 | UInt64(n.domain) << 8 | (n.autoDomain ? 1 << 24 : 0) | (n.pasidCompat ? 1 << 26 : 0) | (n.viommu != 0 ? 1 << 27 : 0) | (n.fault != 0 ? 1 << 28 : 0)
                         | (n.mockIOTLBCleared != 0 ? 1 << 29 : 0)
                         | UInt64(n.parent) << 32)
                if n.viommu != 0 { w.put(UInt64(n.viommu)) }
                if n.fault != 0 { w.put(UInt64(n.fault)) }
                if n.mockIOTLBCleared != 0 { w.put(UInt64(n.mockIOTLBCleared)) }
            case .device(let d):
                w.put(4 | UInt64(d) << 8)
            case .viommu(let v):
                w.put(5 | UInt64(v.iommu) << 8 | UInt64(v.hwpt) << 32)
                w.put(UInt64(v.type) | (v.mmapOffset != nil ? 1 << 32 : 0) | UInt64(v.mmapCount) << 33)
                if let offset = v.mmapOffset { w.put(offset) }
            case .vdevice(let v):
                w.put(6 | UInt64(v.device) << 8 | UInt64(v.viommu) << 32)
                w.put(UInt64(v.deviceID))
                w.put(v.virtID)
            case .hwQueue(let q):
                w.put(7 | UInt64(q.viommu) << 32)
                w.put(UInt64(q.type) | UInt64(q.index) << 32)
                w.put(UInt64(q.depends))
                w.put(q.iova); w.put(q.length); w.put(q.basePA)
            case .fault(let q):
                w.put(8 | (q.fdOpen ? 0x100 : 0) | UInt64(q.queued.count) << 16 | UInt64(q.awaiting.count) << 40)
                for r in q.queued + q.awaiting { w.put(UInt64(r.deviceID) | UInt64(r.pasid) << 32); w.put(UInt64(r.hwpt) | UInt64(r.cookie) << 32) }
            case .veventq(let q):
                w.put(9 | (q.fdOpen ? 0x100 : 0) | (q.lostSequence != nil ? 0x200 : 0) | UInt64(q.events.count) << 16 | UInt64(q.viommu) << 32)
                w.put(UInt64(q.type) | UInt64(q.depth) << 32)
                w.put(UInt64(q.sequence) | UInt64(q.lostSequence ?? 0) << 32)
                for e in q.events { w.put(UInt64(e.sequence)); w.put(e.virtID) }
            case .access(let a):
                w.put(10 | (a.needsPin ? 0x100 : 0) | UInt64(a.items.count) << 16 | UInt64(a.ioas) << 32)
                w.put(UInt64(a.nextItem))
                for item in a.items { w.put(UInt64(item.id) | UInt64(item.ioas) << 32); w.put(item.range.first); w.put(item.range.last) }
            }
        }
        // Devices ≤ 64, account mode 0/1, processes 0…7, dma-bufs ≤ 15 (DMABUF_GET refuses more),
        // file sizes all or none.
        w.put(UInt64(boundIDs.count) | UInt64(accountMode) << 8 | UInt64(chargedProcess) << 10 | (fileSizes.isEmpty ? 0 : 1 << 13)
              | UInt64(dmabufs.count) << 14 | UInt64(exitedProcesses) << 18 | UInt64(vfioIOAS) << 32)
        for id in boundIDs { w.put(UInt64(id)) }
        if !fileSizes.isEmpty { w.put(UInt64(fileSizes.count)); for size in fileSizes { w.put(size) } }
        for b in dmabufs { w.put(UInt64(b.fd) | (b.revoked ? 1 << 32 : 0) | (b.fdOpen ? 1 << 33 : 0)); w.put(b.size) }
        w.put(ridThroughPasid)
        w.put(UInt64(attachments.count))
        for a in attachments { w.put(UInt64(a.group) | UInt64(a.pasid) << 32); w.put(UInt64(a.hwpt)); w.put(a.devices) }
        hardware.encode(into: &w)
    }

    public static func decode(_ r: inout WordReader) -> IOMMUFDState {
        var s = IOMMUFDState(deviceCount: 0)
        let counts = r.next()
        let objectCount = Int(UInt32(truncatingIfNeeded: counts))
        s.tombstones = (0..<Int(counts >> 32 & 0xffff)).map { _ in UInt32(truncatingIfNeeded: r.next()) }
        s.mockCacheCleared = (0..<Int(counts >> 48)).map { _ in UInt8(truncatingIfNeeded: r.next()) }
        s.objects.reserveCapacity(objectCount)
        for _ in 0..<objectCount {
            let head = r.next()
            let id = UInt32(truncatingIfNeeded: head), users = UInt32(truncatingIfNeeded: head >> 32)
            let tag = r.next()
            let body: ObjectBody
            switch tag & 0xff {
            case 1:
                var x = IOAS()
                x.disableLargePages = tag & 0x100 != 0
                let counts = r.next()
                for _ in 0..<Int(UInt32(truncatingIfNeeded: counts)) {
                    let first = r.next(), last = r.next(), va = r.next(), flags = r.next()
                    x.areas.append(Self.area(first: first, last: last, va: va, flags: flags))
                }
                for _ in 0..<Int(counts >> 32) { x.allowed.append(IOVARange(first: r.next(), last: r.next())) }
                x.hwptOrder = (0..<Int(r.next())).map { _ in UInt32(truncatingIfNeeded: r.next()) }
                if tag & 0x200 != 0 {
                    x.testReserved = (0..<Int(r.next())).map { _ in IOVARange(first: r.next(), last: r.next()) }
                }
                body = .ioas(x)
            case 2:
                body = .hwptPaging(HWPTPaging(ioas: UInt32(truncatingIfNeeded: tag >> 32), domain: DomainID(truncatingIfNeeded: tag >> 8),
                                              autoDomain: tag & 1 << 24 != 0, nestParent: tag & 1 << 25 != 0, pasidCompat: tag & 1 << 26 != 0,
                                              fault: tag & 1 << 28 != 0 ? UInt32(truncatingIfNeeded: r.next()) : 0))
            case 3:
                body = .hwptNested(HWPTNested(parent: UInt32(truncatingIfNeeded: tag >> 32), domain: DomainID(truncatingIfNeeded: tag >> 8),
                                              pasidCompat: tag & 1 << 26 != 0, autoDomain: tag & 1 << 24 != 0,
                                              viommu: tag & 1 << 27 != 0 ? UInt32(truncatingIfNeeded: r.next()) : 0,
                                              fault: tag & 1 << 28 != 0 ? UInt32(truncatingIfNeeded: r.next()) : 0,
                                              mockIOTLBCleared: tag & 1 << 29 != 0 ? UInt8(truncatingIfNeeded: r.next()) : 0))
            case 5:
                let word = r.next()
                var v = VIOMMU(hwpt: UInt32(truncatingIfNeeded: tag >> 32), iommu: Int(tag >> 8 & 0xff_ffff), type: UInt32(truncatingIfNeeded: word))
                v.mmapCount = UInt32(truncatingIfNeeded: word >> 33)
                if word & 1 << 32 != 0 { v.mmapOffset = r.next() }
                body = .viommu(v)
            case 6:
                let deviceID = UInt32(truncatingIfNeeded: r.next()), virtID = r.next()
                body = .vdevice(VDevice(viommu: UInt32(truncatingIfNeeded: tag >> 32), deviceID: deviceID, device: Int(tag >> 8 & 0xff_ffff),
                                        virtID: virtID))
            case 7:
                let typeIndex = r.next(), depends = r.next(), iova = r.next(), length = r.next(), basePA = r.next()
                body = .hwQueue(HWQueue(viommu: UInt32(truncatingIfNeeded: tag >> 32), type: UInt32(truncatingIfNeeded: typeIndex),
                                        index: UInt32(truncatingIfNeeded: typeIndex >> 32), iova: iova, length: length, basePA: basePA,
                                        depends: UInt32(truncatingIfNeeded: depends)))
            case 8:
                func record() -> FaultRecord {
                    let a = r.next(), b = r.next()
                    return FaultRecord(deviceID: UInt32(truncatingIfNeeded: a), pasid: UInt32(truncatingIfNeeded: a >> 32),
                                       hwpt: UInt32(truncatingIfNeeded: b), cookie: UInt32(truncatingIfNeeded: b >> 32))
                }
                var q = FaultQueue()
                q.fdOpen = tag & 0x100 != 0
                q.queued = (0..<Int(tag >> 16 & 0xff_ffff)).map { _ in record() }
                q.awaiting = (0..<Int(tag >> 40 & 0xff_ffff)).map { _ in record() }
                body = .fault(q)
            case 9:
                let typeDepth = r.next(), seqs = r.next()
                var q = VEventQueue(viommu: UInt32(truncatingIfNeeded: tag >> 32), type: UInt32(truncatingIfNeeded: typeDepth),
                                    depth: UInt32(truncatingIfNeeded: typeDepth >> 32))
                q.fdOpen = tag & 0x100 != 0
                q.sequence = UInt32(truncatingIfNeeded: seqs)
                q.lostSequence = tag & 0x200 != 0 ? UInt32(truncatingIfNeeded: seqs >> 32) : nil
                q.events = (0..<Int(tag >> 16 & 0xffff)).map { _ in VEvent(sequence: UInt32(truncatingIfNeeded: r.next()), virtID: r.next()) }
                body = .veventq(q)
            case 10:
                var a = EmulatedAccess(ioas: UInt32(truncatingIfNeeded: tag >> 32), needsPin: tag & 0x100 != 0)
                a.nextItem = UInt32(truncatingIfNeeded: r.next())
                a.items = (0..<Int(tag >> 16 & 0xffff)).map { _ in
                    let head = r.next()
                    return AccessItem(id: UInt32(truncatingIfNeeded: head), ioas: UInt32(truncatingIfNeeded: head >> 32),
                                      range: IOVARange(first: r.next(), last: r.next()))
                }
                body = .access(a)
            default:
                body = .device(Int(tag >> 8))
            }
            s.objects.append(FDObject(id: id, users: users, body: body))
        }
        let bound = r.next()
        s.accountMode = UInt8(truncatingIfNeeded: bound >> 8 & 0x3)
        s.chargedProcess = UInt8(truncatingIfNeeded: bound >> 10 & 0x7)
        s.exitedProcesses = UInt8(truncatingIfNeeded: bound >> 18)
        s.vfioIOAS = UInt32(truncatingIfNeeded: bound >> 32)
        s.boundIDs = (0..<Int(UInt8(truncatingIfNeeded: bound))).map { _ in UInt32(truncatingIfNeeded: r.next()) }
        if bound & 1 << 13 != 0 { s.fileSizes = (0..<Int(r.next())).map { _ in r.next() } }
        s.dmabufs = (0..<Int(bound >> 14 & 0xf)).map { _ in
            let head = r.next()
            var b = DmaBuf(fd: UInt32(truncatingIfNeeded: head), size: r.next())
            b.revoked = head & 1 << 32 != 0
            b.fdOpen = head & 1 << 33 != 0
            return b
        }
        s.ridThroughPasid = r.next()
        s.attachments = (0..<Int(r.next())).map { _ in
            let head = r.next(), hwpt = r.next(), devices = r.next()
            return Attachment(group: UInt16(truncatingIfNeeded: head), pasid: UInt32(truncatingIfNeeded: head >> 32),
                              hwpt: UInt32(truncatingIfNeeded: hwpt), devices: devices)
        }
        s.hardware = Hardware.decode(&r)
        return s
    }
}

/// Reads the words `encode` wrote, in order.
public struct WordReader {
    @usableFromInline let words: UnsafeBufferPointer<UInt64>
    @usableFromInline var index = 0

    public init(_ words: UnsafeBufferPointer<UInt64>) { self.words = words }

    /// The next word (0 past the end, which a well-formed encoding never reaches).
    @inlinable public mutating func next() -> UInt64 {
        defer { index += 1 }
        return index < words.count ? words[index] : 0
    }
}

extension Hardware {
    func encode<W: WordSink>(into w: inout W) {
        w.put(UInt64(domains.count))
        for i in domains.indices {
            let d = domains[i]
            let presetIndex = UInt64(d.preset.ordinal)
            w.put(UInt64(d.id) | UInt64(d.iommu) << 16 | presetIndex << 32 | (d.enforcesCoherency ? 1 << 48 : 0)
                     | (d.dirtyTracking ? 1 << 49 : 0) | (d.freed ? 1 << 50 : 0) | (d.parent != nil ? 1 << 51 : 0)
                     | UInt64(d.stage.rawValue) << 56)
            w.put(UInt64(d.parent ?? 0))
            d.table.encode(into: &w)
            // Only a dirty-tracking domain has a log: other states keep their words.
            if d.dirtyTracking { d.dirty.encode(into: &w) }
        }
        w.put(UInt64(routes.count))
        for r in routes {
            w.put(UInt64(r.group) | UInt64(r.pasid) << 32); w.put(UInt64(r.domain) | (r.window != nil ? 1 << 32 : 0))
            if let window = r.window { w.put(window.first); w.put(window.last) }
        }
        w.put(UInt64(iotlb.entries.count))
        for e in iotlb.entries {
            w.put(UInt64(e.key.device) | UInt64(e.key.pasid) << 32); w.put(UInt64(e.tag)); w.put(e.iova); w.put(e.pageSize); w.put(e.output)
            w.put(UInt64(e.permissions.rawValue) | UInt64(e.source.rawValue) << 8 | (e.dirty ? 1 << 16 : 0) | (e.dropped ? 1 << 17 : 0)
                     | UInt64(e.stage1Permissions.rawValue) << 24)
            // Only a combined entry has a stage-1 part: kernel entries keep their words.
            if e.source == .guest { w.put(e.gpa) }
        }
    }

    static func decode(_ r: inout WordReader) -> Hardware {
        let domains: [Domain] = (0..<Int(r.next())).map { _ in
            let head = r.next(), parent = r.next()
            let preset = FormatPreset.all[Int(head >> 32 & 0xffff)]
            let stage = TranslationStage(rawValue: Int(head >> 56)) ?? .stage1
            let table = PageTable.decode(&r, format: preset.format(for: stage))
            var domain = Domain(id: DomainID(truncatingIfNeeded: head), iommu: Int(head >> 16 & 0xffff), preset: preset,
                                enforcesCoherency: head & 1 << 48 != 0, dirtyTracking: head & 1 << 49 != 0,
                                stage: stage, table: table,
                                parent: head & 1 << 51 != 0 ? DomainID(truncatingIfNeeded: parent) : nil)
                .freeing(head & 1 << 50 != 0)
            if domain.dirtyTracking { domain.dirty = DirtyLog.decode(&r) }
            return domain
        }
        let routes: [Route] = (0..<Int(r.next())).map { _ in
            let head = r.next(), domain = r.next()
            let window = domain & 1 << 32 != 0 ? IOVARange(first: r.next(), last: r.next()) : nil
            return Route(group: Int(UInt16(truncatingIfNeeded: head)), pasid: UInt32(truncatingIfNeeded: head >> 32),
                         domain: DomainID(truncatingIfNeeded: domain), window: window)
        }
        let entries: [IOTLBEntry] = (0..<Int(r.next())).map { _ in
            let key = r.next(), tag = r.next(), iova = r.next(), size = r.next(), output = r.next(), flags = r.next()
            var entry = IOTLBEntry(key: RouteKey(device: UInt32(truncatingIfNeeded: key), pasid: UInt32(truncatingIfNeeded: key >> 32)),
                                   tag: UInt32(truncatingIfNeeded: tag), iova: iova, pageSize: size, output: output,
                                   permissions: Permissions(rawValue: UInt8(truncatingIfNeeded: flags)),
                                   source: IOTLBSource(rawValue: UInt8(truncatingIfNeeded: flags >> 8)) ?? .kernel)
            entry.dirty = flags & 1 << 16 != 0
            entry.dropped = flags & 1 << 17 != 0
            entry.stage1Permissions = Permissions(rawValue: UInt8(truncatingIfNeeded: flags >> 24))
            if entry.source == .guest { entry.gpa = r.next() }
            return entry
        }
        return Hardware(domains: domains, routes: routes, iotlb: IOTLB(entries: entries))
    }
}

extension DirtyLog {
    func encode<W: WordSink>(into w: inout W) {
        w.put(UInt64(bits.count) | UInt64(owed.count) << 24 | (enabled ? 1 << 48 : 0) | (missed != nil ? 1 << 49 : 0))
        for r in bits + owed { w.put(r.first); w.put(r.last) }
        if let missed { w.put(missed.first); w.put(missed.last) }
    }

    static func decode(_ r: inout WordReader) -> DirtyLog {
        let head = r.next()
        var log = DirtyLog()
        log.enabled = head & 1 << 48 != 0
        log.bits = (0..<Int(head & 0xff_ffff)).map { _ in IOVARange(first: r.next(), last: r.next()) }
        log.owed = (0..<Int(head >> 24 & 0xff_ffff)).map { _ in IOVARange(first: r.next(), last: r.next()) }
        if head & 1 << 49 != 0 { log.missed = IOVARange(first: r.next(), last: r.next()) }
        return log
    }
}

extension Domain {
    func freeing(_ freed: Bool) -> Domain {
        var d = self
        d.freed = freed
        return d
    }
}

extension PageTable {
    func encode<W: WordSink>(into w: inout W) {
        w.put(pageSizes.bitmap); w.put(rootAddress); w.put(UInt64(leafStore.count) | UInt64(tableStore.count) << 32)
        for l in leafStore { w.put(l.iova); w.put(l.output); w.put(UInt64(l.level) | UInt64(l.permissions.rawValue) << 8) }
        for t in tableStore { w.put(UInt64(t.level)); w.put(t.base); w.put(t.address) }
    }

    static func decode(_ r: inout WordReader, format: PageTableFormat) -> PageTable {
        let sizes = PageSizes(bitmap: r.next()), root = r.next(), counts = r.next()
        let leaves: [Leaf] = (0..<Int(UInt32(truncatingIfNeeded: counts))).map { _ in
            let iova = r.next(), output = r.next(), flags = r.next()
            return Leaf(iova: iova, output: output, level: UInt8(truncatingIfNeeded: flags),
                        permissions: Permissions(rawValue: UInt8(truncatingIfNeeded: flags >> 8)))
        }
        let tables: [TableNode] = (0..<Int(counts >> 32)).map { _ in
            TableNode(level: UInt8(truncatingIfNeeded: r.next()), base: r.next(), address: r.next())
        }
        return PageTable(format: format, pageSizes: sizes, rootAddress: root, leaves: leaves, tables: tables)
    }
}

extension IOMMUFDState {
    /// An area's flags word: permissions, the booleans, and what backs its pages.
    static func areaFlags(_ a: Area) -> UInt64 {
        var f = UInt64(a.permissions.rawValue) | (a.writablePages ? 0x100 : 0) | (a.sharesPages ? 0x200 : 0) | (a.preventAccess ? 0x400 : 0)
            | (a.revoked ? 0x2000 : 0) | UInt64(a.owner) << 24
        switch a.backing {
        case .user: break
        case .memfd(let i): f |= 0x800 | UInt64(i) << 16
        case .dmabuf(let i): f |= 0x1000 | UInt64(i) << 16
        }
        return f
    }

    static func area(first: UInt64, last: UInt64, va: UInt64, flags: UInt64) -> Area {
        var area = Area(range: IOVARange(first: first, last: last), userVA: va, permissions: Permissions(rawValue: UInt8(truncatingIfNeeded: flags)),
                        writablePages: flags & 0x100 != 0, sharesPages: flags & 0x200 != 0)
        area.preventAccess = flags & 0x400 != 0
        area.revoked = flags & 0x2000 != 0
        area.owner = UInt8(truncatingIfNeeded: flags >> 24)
        let index = UInt8(truncatingIfNeeded: flags >> 16)
        if flags & 0x800 != 0 { area.backing = .memfd(index) } else if flags & 0x1000 != 0 { area.backing = .dmabuf(index) }
        return area
    }
}
