/// An operation's fields as a scenario would write them, so that a printed trace can be pasted
/// into a model file and replayed.
public enum ArgumentText: Hashable, Sendable {
    /// A small number (ids, flags, PASIDs).
    case number(UInt64)
    /// An address or length, written in hex.
    case address(UInt64)
    /// A name: a device, a preset, an access, or `A|B` flags.
    case word(String)
    /// A comma list of addresses.
    case addresses([UInt64])
    case signed(Int64)

    public var text: String {
        switch self {
        case .number(let n): return String(n)
        case .address(let a): return SizeText.hex(a)
        case .word(let w): return w
        case .addresses(let a): return a.map(SizeText.hex).joined(separator: ",")
        case .signed(let s): return String(s)
        }
    }
}

extension IOMMUFDOperation {
    /// `FIXED_IOVA|READABLE|WRITEABLE` for map flags.
    static func mapFlagsText(_ flags: UInt32) -> ArgumentText {
        var names: [String] = []
        if flags & IOMMUFDConstants.IOMMU_IOAS_MAP_FIXED_IOVA != 0 { names.append("FIXED_IOVA") }
        if flags & IOMMUFDConstants.IOMMU_IOAS_MAP_READABLE != 0 { names.append("READABLE") }
        if flags & IOMMUFDConstants.IOMMU_IOAS_MAP_WRITEABLE != 0 { names.append("WRITEABLE") }
        let rest = flags & ~IOMMUFDConstants.mapFlags
        if rest != 0 { names.append(String(rest)) }
        return names.isEmpty ? .number(0) : .word(names.joined(separator: "|"))
    }

    /// GUEST_S1_MAP's `flags=`, written only when not read+write (the default).
    static func guestFlags(_ perms: Permissions) -> [(String, ArgumentText)] {
        guard perms != .readWrite else { return [] }
        var f: UInt32 = 0
        if perms.contains(.read) { f |= IOMMUFDConstants.IOMMU_IOAS_MAP_READABLE }
        if perms.contains(.write) { f |= IOMMUFDConstants.IOMMU_IOAS_MAP_WRITEABLE }
        return [("flags", mapFlagsText(f))]
    }

    static func hwptFlagsText(_ flags: UInt32) -> ArgumentText {
        typealias C = IOMMUFDConstants
        let table: [(UInt32, String)] = [(C.IOMMU_HWPT_ALLOC_NEST_PARENT, "IOMMU_HWPT_ALLOC_NEST_PARENT"),
                                         (C.IOMMU_HWPT_ALLOC_DIRTY_TRACKING, "IOMMU_HWPT_ALLOC_DIRTY_TRACKING"),
                                         (C.IOMMU_HWPT_FAULT_ID_VALID, "IOMMU_HWPT_FAULT_ID_VALID"), (C.IOMMU_HWPT_ALLOC_PASID, "IOMMU_HWPT_ALLOC_PASID")]
        var names = table.filter { flags & $0.0 != 0 }.map(\.1)
        let rest = flags & ~table.reduce(0) { $0 | $1.0 }
        if rest != 0 { names.append(String(rest)) }
        return names.isEmpty ? .number(0) : .word(names.joined(separator: "|"))
    }

    /// The fields written (zero fields that the scenario language would default are left out).
    public func arguments(_ topology: Topology) -> [(String, ArgumentText)] {
        func dev(_ d: Int) -> (String, ArgumentText) { ("dev", .word(topology.devices[d].name)) }
        switch self {
        case .sized(let op, let size, let trailing):
            return op.arguments(topology) + [("size", .number(UInt64(size)))] + (trailing == 0 ? [] : [("trailing", .number(UInt64(trailing)))])
        case .ioasAlloc(let flags):
            return flags == 0 ? [] : [("flags", .number(UInt64(flags)))]
        case .ioasMap(let a):
            var out: [(String, ArgumentText)] = [("flags", Self.mapFlagsText(a.flags)), ("ioas_id", .number(UInt64(a.ioasID)))]
            if a.flags & IOMMUFDConstants.IOMMU_IOAS_MAP_FIXED_IOVA != 0 { out.append(("iova", .address(a.iova))) }
            out += [("length", .address(a.length)), ("user_va", .address(a.userVA))]
            if a.reserved != 0 { out.append(("__reserved", .number(UInt64(a.reserved)))) }
            if a.process != 0 { out.append(("process", .number(UInt64(a.process)))) }
            return out
        case .processExit(let p):
            return [("process", .number(UInt64(p)))]
        case .ioasMapFile(let a):
            var out: [(String, ArgumentText)] = [("flags", Self.mapFlagsText(a.flags)), ("ioas_id", .number(UInt64(a.ioasID))),
                                                 ("fd", .number(UInt64(a.fd))), ("start", .address(a.start)), ("length", .address(a.length))]
            if a.flags & IOMMUFDConstants.IOMMU_IOAS_MAP_FIXED_IOVA != 0 { out.append(("iova", .address(a.iova))) }
            return out
        case .changeProcess(let reserved, let process):
            return (reserved == 0 ? [] : [("__reserved", .number(UInt64(reserved)))]) + (process == 0 ? [] : [("process", .number(UInt64(process)))])
        case .ftruncate(let fd, let length):
            return [("fd", .number(UInt64(fd))), ("length", .address(length))]
        case .dmabufGet(let length, let flags):
            return [("length", .address(length))] + (flags == 0 ? [] : [("open_flags", .number(UInt64(flags)))])
        case .dmabufRevoke(let fd, let revoked):
            return [("dmabuf_fd", .number(UInt64(fd))), ("revoked", .number(UInt64(revoked)))]
        case .dmabufClose(let fd):
            return [("fd", .number(UInt64(fd)))]
        case .checkMockDmabuf(let h, let fd, let iova, let length, let offset):
            return [("id", .number(UInt64(h))), ("dmabuf_fd", .number(UInt64(fd))), ("iova", .address(iova)), ("length", .address(length)),
                    ("offset", .address(offset))]
        case .ioasUnmap(let id, let iova, let length):
            return [("ioas_id", .number(UInt64(id))), ("iova", .address(iova)), ("length", length == .max ? .word("U64_MAX") : .address(length))]
        case .ioasCopy(let a):
            return [("flags", Self.mapFlagsText(a.flags)), ("dst_ioas_id", .number(UInt64(a.dstIOASID))), ("src_ioas_id", .number(UInt64(a.srcIOASID))),
                    ("length", .address(a.length)), ("dst_iova", .address(a.dstIOVA)), ("src_iova", .address(a.srcIOVA))]
        case .ioasAllowIOVAs(let id, let ranges, let reserved):
            var out: [(String, ArgumentText)] = [("ioas_id", .number(UInt64(id)))]
            if !ranges.isEmpty { out += [("start", .addresses(ranges.map(\.first))), ("last", .addresses(ranges.map(\.last)))] }
            if reserved != 0 { out.append(("__reserved", .number(UInt64(reserved)))) }
            return out
        case .ioasIOVARanges(let id, let capacity, _):
            return [("ioas_id", .number(UInt64(id))), ("num_iovas", .number(UInt64(capacity)))]
        case .option(let option, let op, let object, let value, _):
            return [("option_id", .word(option == 1 ? "IOMMU_OPTION_HUGE_PAGES" : option == 0 ? "IOMMU_OPTION_RLIMIT_MODE" : String(option))),
                    ("op", .word(op == 0 ? "IOMMU_OPTION_OP_SET" : op == 1 ? "IOMMU_OPTION_OP_GET" : String(op))),
                    ("object_id", .number(UInt64(object))), ("val64", .number(value))]
        case .hwptAlloc(let a):
            var out: [(String, ArgumentText)] = [("flags", Self.hwptFlagsText(a.flags)), ("dev_id", .number(UInt64(a.devID))), ("pt_id", .number(UInt64(a.ptID)))]
            if let f = a.s1Format { out += [("s1_format", .word(f.rawValue)), ("s1_root", .address(a.s1Root))] }
            if a.faultID != 0 { out.append(("fault_id", .number(UInt64(a.faultID)))) }
            if let t = a.dataType { out.append(("data_type", .address(UInt64(t)))) }
            if let l = a.dataLen { out.append(("data_len", .number(UInt64(l)))) }
            if a.pagetableType != 0 { out.append(("pagetable_type", .number(UInt64(a.pagetableType)))) }
            return out
        case .getHWInfo(let a):
            var out: [(String, ArgumentText)] = [("dev_id", .number(UInt64(a.devID)))]
            if a.flags != 0 { out.append(("flags", a.flags == 1 ? .word("IOMMU_HW_INFO_FLAG_INPUT_TYPE") : .number(UInt64(a.flags)))) }
            if a.dataLen != 0 { out.append(("data_len", .number(UInt64(a.dataLen)))) }
            if a.inDataType != 0 { out.append(("in_data_type", .number(UInt64(a.inDataType)))) }
            if a.reserved != 0 { out.append(("__reserved", .number(UInt64(a.reserved)))) }
            return out
        case .setDirtyTracking(let h, let flags):
            return [("hwpt_id", .number(UInt64(h))),
                    ("flags", flags == IOMMUFDConstants.IOMMU_HWPT_DIRTY_TRACKING_ENABLE ? .word("IOMMU_HWPT_DIRTY_TRACKING_ENABLE") : .number(UInt64(flags)))]
        case .getDirtyBitmap(let a):
            var out: [(String, ArgumentText)] = [("hwpt_id", .number(UInt64(a.hwptID)))]
            if a.flags != 0 {
                out.append(("flags", a.flags == IOMMUFDConstants.IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR ? .word("IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR")
                                                                                                      : .number(UInt64(a.flags))))
            }
            if a.reserved != 0 { out.append(("__reserved", .number(UInt64(a.reserved)))) }
            return out + [("iova", .address(a.iova)), ("length", .address(a.length)), ("page_size", .address(a.pageSize))]
        case .viommuAlloc(let a):
            var out: [(String, ArgumentText)] = []
            if a.flags != 0 { out.append(("flags", .number(UInt64(a.flags)))) }
            let typeName = IOMMUFDConstants.named.first { $0.key.hasPrefix("IOMMU_VIOMMU_TYPE_") && $0.value == UInt64(a.type) }?.key
            return out + [("type", typeName.map { .word($0) } ?? .number(UInt64(a.type))), ("dev_id", .number(UInt64(a.devID))),
                          ("hwpt_id", .number(UInt64(a.hwptID)))] + (a.dataLen == 0 ? [] : [("data_len", .number(UInt64(a.dataLen)))])
        case .vdeviceAlloc(let v, let d, let virt):
            return [("viommu_id", .number(UInt64(v))), ("dev_id", .number(UInt64(d))), ("virt_id", .address(virt))]
        case .hwptInvalidate(let a):
            var out: [(String, ArgumentText)] = [("hwpt_id", .number(UInt64(a.hwptID)))]
            if a.dataUptr != 0 { out.append(("data_uptr", .address(a.dataUptr))) }
            out += [("data_type", .address(UInt64(a.dataType))), ("entry_len", .number(UInt64(a.entryLen))), ("entry_num", .number(UInt64(a.entryNum)))]
            if a.reserved != 0 { out.append(("__reserved", .number(UInt64(a.reserved)))) }
            let columns: [(String, (InvalidateEntry) -> UInt64)] = [("flags", { UInt64($0.flags) }), ("iotlb_id", { UInt64($0.iotlbID) }),
                                                                    ("vdev_id", { $0.vdevID }), ("cache_id", { UInt64($0.cacheID) }),
                                                                    ("opcode", { UInt64($0.opcode) })]
            for (name, value) in columns where a.entries.contains(where: { value($0) != 0 }) {
                out.append((name, .addresses(a.entries.map(value))))
            }
            return out
        case .faultQueueAlloc(let flags):
            return flags == 0 ? [] : [("flags", .number(UInt64(flags)))]
        case .veventqAlloc(let v, let type, let depth, let flags, let reserved):
            var out: [(String, ArgumentText)] = [("viommu_id", .number(UInt64(v)))]
            let typeName = IOMMUFDConstants.named.first { $0.key.hasPrefix("IOMMU_VEVENTQ_TYPE_") && $0.value == UInt64(type) }?.key
            out += [("type", typeName.map { .word($0) } ?? .number(UInt64(type))), ("veventq_depth", .number(UInt64(depth)))]
            if flags != 0 { out.append(("flags", .number(UInt64(flags)))) }
            if reserved != 0 { out.append(("__reserved", .number(UInt64(reserved)))) }
            return out
        case .triggerIOPF(let d, let pasid):
            return [("dev_id", .number(UInt64(d))), ("pasid", .number(UInt64(pasid)))]
        case .triggerVEvent(let d):
            return [("dev_id", .number(UInt64(d)))]
        case .faultRead(let f, let count):
            return [("fault_id", .number(UInt64(f))), ("count", .number(UInt64(count)))]
        case .faultRespond(let f, let cookie, let code):
            return [("fault_id", .number(UInt64(f))), ("cookie", .number(UInt64(cookie))), ("code", .number(UInt64(code)))]
        case .veventqRead(let q, let count):
            return [("veventq_id", .number(UInt64(q))), ("count", .number(UInt64(count)))]
        case .eventFDClose(let id):
            return [("id", .number(UInt64(id)))]
        case .checkMockMap(let h, let iova, let length, let uptr):
            return [("id", .number(UInt64(h))), ("iova", .address(iova)), ("length", .address(length)), ("uptr", .address(uptr))]
        case .mockSetDirty(let h, let iova, let length, let pageSize, let stride):
            return [("id", .number(UInt64(h))), ("iova", .address(iova)), ("length", .address(length)), ("page_size", .address(pageSize)),
                    ("stride", .number(stride))]
        case .checkRefs(let uptr, let length, let refs):
            return [("uptr", .address(uptr)), ("length", .address(length)), ("refs", .number(UInt64(refs)))]
        case .addReserved(let id, let start, let length):
            return [("id", .number(UInt64(id))), ("start", .address(start)), ("length", .address(length))]
        case .createAccess(let id, let flags):
            return [("id", .number(UInt64(id)))] + (flags == 0 ? [] : [("flags", .word("MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES"))] as [(String, ArgumentText)])
        case .accessPages(let a):
            var out: [(String, ArgumentText)] = [("id", .number(UInt64(a.fd)))]
            if a.flags != 0 { out.append(("flags", .number(UInt64(a.flags)))) }
            out += [("iova", .address(a.iova)), ("length", .address(a.length))]
            if a.uptr != 0 { out.append(("uptr", .address(a.uptr))) }
            return out
        case .destroyAccessPages(let fd, let item):
            return [("id", .number(UInt64(fd))), ("access_pages_id", .number(UInt64(item)))]
        case .accessRW(let a):
            var out: [(String, ArgumentText)] = [("id", .number(UInt64(a.fd))), ("iova", .address(a.iova)), ("length", .address(a.length))]
            if a.flags != 0 { out.append(("flags", .number(UInt64(a.flags)))) }
            return out
        case .accessReplaceIOAS(let fd, let ioas):
            return [("id", .number(UInt64(fd))), ("ioas_id", .number(UInt64(ioas)))]
        case .accessClose(let fd):
            return [("id", .number(UInt64(fd)))]
        case .mmap(let offset, let length):
            return [("offset", .address(offset)), ("length", .address(length))]
        case .munmap(let offset):
            return [("offset", .address(offset))]
        case .checkMockIOTLB(let h, let id, let value):
            return [("id", .number(UInt64(h))), ("iotlb_id", .number(UInt64(id))), ("iotlb", .address(value))]
        case .checkMockCache(let d, let id, let value):
            return [("id", .number(UInt64(d))), ("cache_id", .number(UInt64(id))), ("cache", .address(value))]
        case .hwQueueAlloc(let a):
            var out: [(String, ArgumentText)] = []
            if a.flags != 0 { out.append(("flags", .number(UInt64(a.flags)))) }
            let typeName = IOMMUFDConstants.named.first { $0.key.hasPrefix("IOMMU_HW_QUEUE_TYPE_") && $0.value == UInt64(a.type) }?.key
            return out + [("viommu_id", .number(UInt64(a.viommuID))), ("type", typeName.map { .word($0) } ?? .number(UInt64(a.type))),
                          ("index", .number(UInt64(a.index))), ("nesting_parent_iova", .address(a.iova)), ("length", .address(a.length))]
        case .testPasidAttach(let d, let pasid, let pt), .testPasidReplace(let d, let pasid, let pt):
            return [dev(d), ("pasid", .number(UInt64(pasid))), ("pt_id", .number(UInt64(pt)))]
        case .testPasidDetach(let d, let pasid):
            return [dev(d), ("pasid", .number(UInt64(pasid)))]
        case .testPasidCheckHWPT(let d, let pasid, let hwpt):
            return [dev(d), ("pasid", .number(UInt64(pasid))), ("hwpt_id", .number(UInt64(hwpt)))]
        case .vfioIOAS(let op, let id, let reserved):
            let names = ["IOMMU_VFIO_IOAS_GET", "IOMMU_VFIO_IOAS_SET", "IOMMU_VFIO_IOAS_CLEAR"]
            var out: [(String, ArgumentText)] = [("op", op < 3 ? .word(names[Int(op)]) : .number(UInt64(op)))]
            if id != 0 { out.append(("ioas_id", .number(UInt64(id)))) }
            if reserved != 0 { out.append(("__reserved", .number(UInt64(reserved)))) }
            return out
        case .vfioAPIVersion:
            return []
        case .vfioCheckExtension(let arg), .vfioSetIOMMU(let arg):
            let name = ["VFIO_TYPE1_IOMMU", "VFIO_TYPE1v2_IOMMU", "VFIO_DMA_CC_IOMMU", "VFIO_UNMAP_ALL", "VFIO_TYPE1_NESTING_IOMMU", "VFIO_UPDATE_VADDR"]
                .first { IOMMUFDConstants.named[$0] == arg }
            return [("arg", name.map { .word($0) } ?? .number(arg))]
        case .vfioMapDMA(let argsz, let flags, let vaddr, let iova, let size):
            return Self.argszField(argsz, IOMMUFD.VFIOStructSize.dmaMap)
                + [("flags", Self.dmaFlagsText(flags)), ("vaddr", .address(vaddr)), ("iova", .address(iova)), ("size", .address(size))]
        case .vfioUnmapDMA(let argsz, let flags, let iova, let size):
            var out = Self.argszField(argsz, IOMMUFD.VFIOStructSize.dmaUnmap)
            if flags != 0 { out.append(("flags", flags == IOMMUFDConstants.VFIO_DMA_UNMAP_FLAG_ALL ? .word("VFIO_DMA_UNMAP_FLAG_ALL") : .number(UInt64(flags)))) }
            return out + [("iova", .address(iova)), ("size", .address(size))]
        case .vfioGetInfo(let argsz):
            return Self.argszField(argsz, IOMMUFD.VFIOStructSize.info)
        case .vfioDirtyPages(let argsz, let flags):
            return Self.argszField(argsz, 16) + (flags == 0 ? [] : [("flags", .number(UInt64(flags)))])
        case .destroy(let id):
            return [("id", .number(UInt64(id)))]
        case .bind(let d, let fd, let flags):
            var out = [dev(d)]
            if let fd { out.append(("iommufd", .signed(fd))) }
            if flags != 0 { out.append(("flags", .number(UInt64(flags)))) }
            return out
        case .attach(let d, let flags, let pt, let pasid):
            var out = [dev(d)]
            if flags != 0 { out.append(("flags", flags == 1 ? .word("VFIO_DEVICE_ATTACH_PASID") : .number(UInt64(flags)))) }
            out.append(("pt_id", .number(UInt64(pt))))
            if flags != 0 || pasid != 0 { out.append(("pasid", .number(UInt64(pasid)))) }
            return out
        case .detach(let d, let flags, let pasid):
            var out = [dev(d)]
            if flags != 0 { out.append(("flags", flags == 1 ? .word("VFIO_DEVICE_DETACH_PASID") : .number(UInt64(flags)))) }
            if flags != 0 || pasid != 0 { out.append(("pasid", .number(UInt64(pasid)))) }
            return out
        case .close(let d):
            return [dev(d)]
        case .translate(let d, let pasid, let iova, let access):
            var out = [dev(d)]
            if pasid != 0 { out.append(("pasid", .number(UInt64(pasid)))) }
            return out + [("iova", .address(iova)), ("access", .word(access.rawValue))]
        case .guestS1Map(let h, let iova, let gpa, let length, let perms, let table):
            var out: [(String, ArgumentText)] = [("hwpt_id", .number(UInt64(h))), ("iova", .address(iova)), ("gpa", .address(gpa)), ("length", .address(length))]
            out += Self.guestFlags(perms)
            if let table { out.append(("table_gpa", .address(table))) }
            return out
        case .guestS1Unmap(let h, let iova, let length):
            return [("hwpt_id", .number(UInt64(h))), ("iova", .address(iova)), ("length", .address(length))]
        }
    }

    /// `container=NAME` (the model's one container).
    func container(_ topology: Topology) -> (String, ArgumentText) { ("container", .word(topology.containers.first ?? "0")) }

    /// `container=NAME`, or nothing where the container is implicit (bind-table's stage 2).
    func containerField(_ topology: Topology) -> [(String, ArgumentText)] { topology.containers.isEmpty ? [] : [container(topology)] }

    /// `argsz=`, written only when it is not the struct's size (the default).
    static func argszField(_ argsz: UInt32, _ size: UInt32) -> [(String, ArgumentText)] {
        argsz == size ? [] : [("argsz", .number(UInt64(argsz)))]
    }

    static func dmaFlagsText(_ flags: UInt32) -> ArgumentText {
        var names: [String] = []
        if flags & IOMMUFDConstants.VFIO_DMA_MAP_FLAG_READ != 0 { names.append("VFIO_DMA_MAP_FLAG_READ") }
        if flags & IOMMUFDConstants.VFIO_DMA_MAP_FLAG_WRITE != 0 { names.append("VFIO_DMA_MAP_FLAG_WRITE") }
        let rest = flags & ~3
        if rest != 0 { names.append(String(rest)) }
        return names.isEmpty ? .number(0) : .word(names.joined(separator: "|"))
    }

    /// `NAME field=value…` as a scenario writes it.
}
