extension IOMMUFDOperation {
    /// One case per catalog row, in the order `modelcheck list` shows them.
    public enum Kind: Int, CaseIterable, Hashable, Sendable {
        case ioasAlloc, ioasMap, ioasMapFile, ioasUnmap, ioasCopy, ioasAllowIOVAs, ioasIOVARanges, changeProcess, processExit, ftruncate
        case option, hwptAlloc, getHWInfo, setDirtyTracking, getDirtyBitmap, viommuAlloc, vdeviceAlloc, hwptInvalidate, hwQueueAlloc,
             faultQueueAlloc, veventqAlloc, triggerIOPF, triggerVEvent, faultRead, faultRespond, veventqRead, checkMockIOTLB, checkMockCache, checkMockMap, checkRefs, mockSetDirty, addReserved, createAccess, accessPages, destroyAccessPages, accessRW, accessReplaceIOAS, accessClose, mmap, munmap, eventFDClose,
             dmabufGet, dmabufRevoke, dmabufClose, checkMockDmabuf, testPasidAttach, testPasidReplace, testPasidDetach, testPasidCheckHWPT, vfioIOAS, vfioAPIVersion, vfioCheckExtension, vfioSetIOMMU, vfioMapDMA, vfioUnmapDMA, vfioGetInfo, vfioDirtyPages, destroy, bind, attach, detach
        case close, translate, guestS1Map, guestS1Unmap
    }

    public static let catalog = OperationCatalog<IOMMUFDOperation>(sizedRow)

    /// Every iommufd ioctl also takes `size=` and `trailing=` (its struct's size checks).
    private static func sizedRow(_ kind: Kind) -> OperationSpec {
        var spec = row(kind)
        guard IoctlStructSize.of(kind) != nil else { return spec }
        for field in ["size", "trailing"] {
            spec.fields[field] = .u32
            spec.fieldOrder.append(field)
        }
        return spec
    }

    /// Every operation of iommufd, as the model language spells it.
    public static var specs: [OperationSpec] { catalog.specs }

    private static func row(_ kind: Kind) -> OperationSpec {
        switch kind {
        case .ioasAlloc:
            return OperationSpec("IOMMU_IOAS_ALLOC", ["flags": .flags], outputs: ["out_ioas_id"], "allocate an empty IOAS")
        case .ioasMap:
            return OperationSpec("IOMMU_IOAS_MAP", ["flags": .flags, "ioas_id": .u32, "iova": .u64, "length": .u64, "user_va": .u64, "__reserved": .u32,
                                                     "process": .u32],
                              outputs: ["iova"], "map user memory at a fixed or automatic IOVA")
        case .ioasMapFile:
            return OperationSpec("IOMMU_IOAS_MAP_FILE", ["flags": .flags, "ioas_id": .u32, "fd": .u32, "start": .u64, "length": .u64, "iova": .u64],
                              outputs: ["iova"], "map a memfd's or dma-buf's pages from offset start at a fixed or automatic IOVA")
        case .changeProcess:
            return OperationSpec("IOMMU_IOAS_CHANGE_PROCESS", ["__reserved": .u32, "process": .u32],
                              "charge the pinned memory to the calling process (process=N; EINVAL while any IOAS maps user memory)")
        case .processExit:
            return OperationSpec("PROCESS_EXIT", ["process": .u32], "process N (1…7) exits: pages of its memory not pinned yet cannot be")
        case .ftruncate:
            return OperationSpec("FTRUNCATE", ["fd": .u32, "length": .u64], "ftruncate() a memfd: pins past its end fail (EINVAL)")
        case .ioasUnmap:
            return OperationSpec("IOMMU_IOAS_UNMAP", ["ioas_id": .u32, "iova": .u64, "length": .u64], outputs: ["length"],
                              "unmap whole areas in a range (iova=0 length=U64_MAX: all)")
        case .ioasCopy:
            return OperationSpec("IOMMU_IOAS_COPY", ["flags": .flags, "dst_ioas_id": .u32, "src_ioas_id": .u32, "length": .u64, "dst_iova": .u64, "src_iova": .u64],
                              outputs: ["dst_iova"], "map the pages behind an IOVA range of one IOAS into another")
        case .ioasAllowIOVAs:
            return OperationSpec("IOMMU_IOAS_ALLOW_IOVAS", ["ioas_id": .u32, "start": .array, "last": .array, "__reserved": .u32],
                              "replace the allow list for automatic IOVAs")
        case .ioasIOVARanges:
            return OperationSpec("IOMMU_IOAS_IOVA_RANGES", ["ioas_id": .u32, "num_iovas": .u32, "__reserved": .u32],
                              outputs: ["num_iovas", "out_iova_alignment", "start", "last"], "report the usable IOVA ranges and alignment")
        case .option:
            return OperationSpec("IOMMU_OPTION", ["option_id": .u32, "op": .u32, "object_id": .u32, "val64": .u64, "__reserved": .u32],
                              outputs: ["val64"], "get or set RLIMIT_MODE or an IOAS's HUGE_PAGES")
        case .hwptAlloc:
            return OperationSpec("IOMMU_HWPT_ALLOC", ["flags": .flags, "dev_id": .u32, "pt_id": .u32, "fault_id": .u32, "__reserved": .u32,
                                                       "s1_format": .preset, "s1_root": .u64, "data_type": .u32, "data_len": .u32,
                                                       "pagetable_type": .u32],
                              outputs: ["out_hwpt_id"], "allocate a paging HWPT on an IOAS, or a nested one over a nest parent")
        case .getHWInfo:
            return OperationSpec("IOMMU_GET_HW_INFO", ["dev_id": .u32, "flags": .flags, "data_len": .u32, "in_data_type": .u32, "__reserved": .u32],
                              outputs: ["data_len", "out_data_type", "out_capabilities", "out_max_pasid_log2"],
                              "the device's IOMMU: driver info type and length, capabilities, PASID width")
        case .setDirtyTracking:
            return OperationSpec("IOMMU_HWPT_SET_DIRTY_TRACKING", ["flags": .flags, "hwpt_id": .u32],
                              "enable (flags=IOMMU_HWPT_DIRTY_TRACKING_ENABLE, clearing the dirty bits) or disable dirty tracking")
        case .getDirtyBitmap:
            return OperationSpec("IOMMU_HWPT_GET_DIRTY_BITMAP", ["hwpt_id": .u32, "flags": .flags, "__reserved": .u32, "iova": .u64, "length": .u64,
                                                                  "page_size": .u64],
                              outputs: ["bitmap", "dirty_pages"],
                              "read (and, without NO_CLEAR, clear) the dirty bits of an IOVA range, one bit per page_size")
        case .viommuAlloc:
            return OperationSpec("IOMMU_VIOMMU_ALLOC", ["flags": .flags, "type": .u32, "dev_id": .u32, "hwpt_id": .u32, "data_len": .u32],
                              outputs: ["out_viommu_id", "out_mmap_offset", "out_mmap_length"], "allocate a vIOMMU of the device's IOMMU instance over a nest-parent HWPT")
        case .vdeviceAlloc:
            return OperationSpec("IOMMU_VDEVICE_ALLOC", ["viommu_id": .u32, "dev_id": .u32, "virt_id": .u64],
                              outputs: ["out_vdevice_id"], "give a device the guest's virtual id in a vIOMMU (one vDEVICE per device)")
        case .hwptInvalidate:
            return OperationSpec("IOMMU_HWPT_INVALIDATE", ["hwpt_id": .u32, "data_uptr": .u64, "data_type": .u32, "entry_len": .u32, "entry_num": .u32,
                                                            "__reserved": .u32, "flags": .array, "iotlb_id": .array, "vdev_id": .array,
                                                            "cache_id": .array, "opcode": .array],
                              outputs: ["entry_num"],
                              "a guest's cache invalidation on a nested HWPT or vIOMMU; entry i's fields are element i of the arrays")
        case .faultQueueAlloc:
            return OperationSpec("IOMMU_FAULT_QUEUE_ALLOC", ["flags": .flags], outputs: ["out_fault_id", "out_fault_fd"],
                              "allocate a FAULT object and its fd, for HWPTs allocated with IOMMU_HWPT_FAULT_ID_VALID")
        case .veventqAlloc:
            return OperationSpec("IOMMU_VEVENTQ_ALLOC", ["flags": .flags, "viommu_id": .u32, "type": .u32, "veventq_depth": .u32, "__reserved": .u32],
                              outputs: ["out_veventq_id", "out_veventq_fd"], "allocate a vIOMMU's event queue of one type, and its fd")
        case .triggerIOPF:
            return OperationSpec("IOMMU_TEST_OP_TRIGGER_IOPF", ["dev_id": .u32, "pasid": .u32],
                              "selftest: the mock device raises a page request at a PASID (queued if its HWPT has a FAULT)")
        case .triggerVEvent:
            return OperationSpec("IOMMU_TEST_OP_TRIGGER_VEVENT", ["dev_id": .u32],
                              "selftest: the mock device, attached to a vIOMMU's nested HWPT, reports an event")
        case .faultRead:
            return OperationSpec("FAULT_FD_READ", ["fault_id": .u32, "count": .u32], outputs: ["faults", "cookie", "dev_id", "pasid"],
                              "read() up to count page requests from a FAULT's fd; each awaits the response its cookie names")
        case .faultRespond:
            return OperationSpec("FAULT_FD_WRITE", ["fault_id": .u32, "cookie": .u32, "code": .u32],
                              "write() one page response (IOMMUFD_PAGE_RESP_SUCCESS or _INVALID) to a FAULT's fd")
        case .veventqRead:
            return OperationSpec("VEVENTQ_FD_READ", ["veventq_id": .u32, "count": .u32], outputs: ["events", "lost", "sequence", "virt_id"],
                              "read() up to count events from a vEVENTQ's fd, then its lost-events header")
        case .checkMockIOTLB:
            return OperationSpec("IOMMU_TEST_OP_MD_CHECK_IOTLB", ["id": .u32, "iotlb_id": .u32, "iotlb": .u64],
                              "selftest: slot iotlb_id of a mock nested HWPT's IOTLB holds iotlb (EINVAL otherwise)")
        case .checkMockCache:
            return OperationSpec("IOMMU_TEST_OP_DEV_CHECK_CACHE", ["id": .u32, "cache_id": .u32, "cache": .u64],
                              "selftest: slot cache_id of a mock device's cache holds cache (EINVAL otherwise)")
        case .checkMockMap:
            return OperationSpec("IOMMU_TEST_OP_MD_CHECK_MAP", ["id": .u32, "iova": .u64, "length": .u64, "uptr": .u64],
                              "selftest: a mock paging HWPT translates each page of [iova, iova+length) to the user memory at uptr (EINVAL otherwise)")
        case .mockSetDirty:
            return OperationSpec("IOMMU_TEST_OP_DIRTY", ["id": .u32, "iova": .u64, "length": .u64, "page_size": .u64, "stride": .u64],
                              outputs: ["out_nr_dirty"],
                              "selftest: with tracking on, the mock marks dirty the leaf under pages 0, stride, 2·stride… of the range (the user bitmap's set bits)")
        case .checkRefs:
            return OperationSpec("IOMMU_TEST_OP_MD_CHECK_REFS", ["uptr": .u64, "length": .u64, "refs": .u32],
                              "selftest: each page of the user range is pinned refs times (EIO otherwise; huge pages are skipped)")
        case .addReserved:
            return OperationSpec("IOMMU_TEST_OP_ADD_RESERVED", ["id": .u32, "start": .u64, "length": .u64],
                              "selftest: reserve [start, start+length) in an IOAS (EADDRINUSE over an area or an allowed range)")
        case .createAccess:
            return OperationSpec("IOMMU_TEST_OP_CREATE_ACCESS", ["id": .u32, "flags": .flags], outputs: ["out_access_fd"],
                              "selftest: an emulated device's access on an IOAS, and its fd (flags MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES: it pins pages)")
        case .accessPages:
            return OperationSpec("IOMMU_TEST_OP_ACCESS_PAGES", ["id": .u32, "flags": .flags, "iova": .u64, "length": .u64, "uptr": .u64],
                              outputs: ["out_access_pages_id"], "selftest: the access pins an IOVA range (uptr, when given, must be the memory behind it)")
        case .destroyAccessPages:
            return OperationSpec("IOMMU_TEST_OP_DESTROY_ACCESS_PAGES", ["id": .u32, "access_pages_id": .u32],
                              "selftest: the driver unpins one range it pinned")
        case .accessRW:
            return OperationSpec("IOMMU_TEST_OP_ACCESS_RW", ["id": .u32, "iova": .u64, "length": .u64, "flags": .flags],
                              "selftest: the access reads (or, MOCK_ACCESS_RW_WRITE, writes) an IOVA range")
        case .accessReplaceIOAS:
            return OperationSpec("IOMMU_TEST_OP_ACCESS_REPLACE_IOAS", ["id": .u32, "ioas_id": .u32],
                              "selftest: move the access to another IOAS (its driver is told to unmap the old one)")
        case .accessClose:
            return OperationSpec("ACCESS_FD_CLOSE", ["id": .u32], "close() an access fd: the driver unpins, the access detaches and goes")
        case .mmap:
            return OperationSpec("MMAP", ["offset": .u64, "length": .u64], "mmap() the iommufd: a vIOMMU's region, exactly (ENXIO otherwise)")
        case .munmap:
            return OperationSpec("MUNMAP", ["offset": .u64], "munmap() a region MMAP mapped")
        case .eventFDClose:
            return OperationSpec("EVENTQ_FD_CLOSE", ["id": .u32], "close() the fd of a FAULT or vEVENTQ (it held a reference)")
        case .hwQueueAlloc:
            return OperationSpec("IOMMU_HW_QUEUE_ALLOC", ["flags": .flags, "viommu_id": .u32, "type": .u32, "index": .u32,
                                                           "nesting_parent_iova": .u64, "length": .u64],
                              outputs: ["out_hw_queue_id"], "give the IOMMU a guest queue in the vIOMMU's parent IOAS (pinned, its areas locked)")
        case .dmabufGet:
            return OperationSpec("IOMMU_TEST_OP_DMABUF_GET", ["length": .u64, "open_flags": .flags], outputs: ["fd"],
                              "selftest: export a dma-buf of length bytes (rounded up to pages, at most 512), and its fd")
        case .dmabufRevoke:
            return OperationSpec("IOMMU_TEST_OP_DMABUF_REVOKE", ["dmabuf_fd": .u32, "revoked": .u32],
                              "selftest: revoke (revoked=1: every mapping of it goes, for good) or allow again the dma-buf")
        case .dmabufClose:
            return OperationSpec("DMABUF_FD_CLOSE", ["fd": .u32], "close() a dma-buf's fd (its mappings keep the buffer)")
        case .checkMockDmabuf:
            return OperationSpec("IOMMU_TEST_OP_MD_CHECK_DMABUF", ["id": .u32, "dmabuf_fd": .u32, "iova": .u64, "length": .u64, "offset": .u64],
                              "selftest: a mock paging HWPT maps [iova, iova+length) to the dma-buf from offset (EINVAL otherwise)")
        case .testPasidAttach:
            return OperationSpec("IOMMU_TEST_OP_PASID_ATTACH", ["dev": .device, "pasid": .u32, "pt_id": .u32], outputs: ["pt_id"],
                              "selftest: iommufd_device_attach of a mock device at a PASID (EBUSY when attached there)")
        case .testPasidReplace:
            return OperationSpec("IOMMU_TEST_OP_PASID_REPLACE", ["dev": .device, "pasid": .u32, "pt_id": .u32], outputs: ["pt_id"],
                              "selftest: iommufd_device_replace at a PASID (EINVAL when not attached there)")
        case .testPasidDetach:
            return OperationSpec("IOMMU_TEST_OP_PASID_DETACH", ["dev": .device, "pasid": .u32],
                              "selftest: iommufd_device_detach at a PASID (nothing attached: nothing to do)")
        case .testPasidCheckHWPT:
            return OperationSpec("IOMMU_TEST_OP_PASID_CHECK_HWPT", ["dev": .device, "pasid": .u32, "hwpt_id": .u32],
                              "selftest: the PASID routes to that HWPT's domain, or (hwpt_id=0) to none (EINVAL otherwise)")
        case .vfioIOAS:
            return OperationSpec("IOMMU_VFIO_IOAS", ["op": .u32, "ioas_id": .u32, "__reserved": .u32], outputs: ["ioas_id"],
                              "get, set or clear the IOAS the VFIO compatibility ioctls act on (IOMMU_VFIO_IOAS_GET / _SET / _CLEAR)")
        case .vfioAPIVersion:
            return OperationSpec("VFIO_GET_API_VERSION", [:], outputs: ["ret"], "VFIO compat on the iommufd: the API version (ret=VFIO_API_VERSION)")
        case .vfioCheckExtension:
            return OperationSpec("VFIO_CHECK_EXTENSION", ["arg": .u64], outputs: ["ret"],
                              "VFIO compat: 1 for TYPE1, TYPE1v2, UNMAP_ALL; DMA_CC_IOMMU asks the compat IOAS's domains; 0 otherwise")
        case .vfioSetIOMMU:
            return OperationSpec("VFIO_SET_IOMMU", ["arg": .u64], "VFIO compat: TYPE1 (large pages off) or TYPE1v2 on the compat IOAS")
        case .vfioMapDMA:
            return OperationSpec("VFIO_IOMMU_MAP_DMA", ["argsz": .u32, "flags": .flags, "vaddr": .u64, "iova": .u64, "size": .u64],
                              "VFIO compat: map user memory at a fixed IOVA of the compat IOAS")
        case .vfioUnmapDMA:
            return OperationSpec("VFIO_IOMMU_UNMAP_DMA", ["argsz": .u32, "flags": .flags, "iova": .u64, "size": .u64], outputs: ["size"],
                              "VFIO compat: unmap whole areas (cut first when large pages are off); nothing there is size 0")
        case .vfioGetInfo:
            return OperationSpec("VFIO_IOMMU_GET_INFO", ["argsz": .u32],
                              outputs: ["argsz", "flags", "iova_pgsizes", "cap_offset", "cap_id", "cap_version", "cap_next", "avail", "nr_iovas", "start", "end"],
                              "VFIO compat: page sizes, and the DMA_AVAIL and IOVA_RANGE capabilities when argsz holds them")
        case .vfioDirtyPages:
            return OperationSpec("VFIO_IOMMU_DIRTY_PAGES", ["argsz": .u32, "flags": .flags],
                              "VFIO compat: type1's dirty log is not there (ENOTTY); iommufd's is IOMMU_HWPT_GET_DIRTY_BITMAP")
        case .destroy:
            return OperationSpec("IOMMU_DESTROY", ["id": .u32], "destroy an object nobody references")
        case .bind:
            return OperationSpec("VFIO_DEVICE_BIND_IOMMUFD", ["dev": .device, "iommufd": .signed, "flags": .flags],
                              outputs: ["out_devid"], "bind a VFIO device fd to the iommufd")
        case .attach:
            return OperationSpec("VFIO_DEVICE_ATTACH_IOMMUFD_PT", ["dev": .device, "flags": .flags, "pt_id": .u32, "pasid": .u32],
                              outputs: ["pt_id"], "attach (or replace) the device's RID or a PASID to an IOAS or HWPT")
        case .detach:
            return OperationSpec("VFIO_DEVICE_DETACH_IOMMUFD_PT", ["dev": .device, "flags": .flags, "pasid": .u32],
                              "detach the device's RID or a PASID (a no-op when not attached)")
        case .close:
            return OperationSpec("CLOSE", ["dev": .device], "close the device fd: detach PASIDs and RID, unbind")
        case .translate:
            return DMARequest.spec
        case .guestS1Map:
            return OperationSpec("GUEST_S1_MAP", ["hwpt_id": .u32, "iova": .u64, "gpa": .u64, "length": .u64, "flags": .flags, "table_gpa": .u64],
                              "the guest maps IOVA → GPA in a nested HWPT's stage-1 table")
        case .guestS1Unmap:
            return OperationSpec("GUEST_S1_UNMAP", ["hwpt_id": .u32, "iova": .u64, "length": .u64], outputs: ["length"],
                              "the guest clears part of its stage-1 table")
        }
    }

    public static func spec(named name: String) -> OperationSpec? { specs.first { $0.name == name } }

    /// Builds the operation from resolved field values; fields not written are zero, as in a
    /// zeroed struct (`GUEST_S1_MAP` without `flags=` maps read+write).
    public static func make(_ name: String, _ args: [String: ArgValue]) -> IOMMUFDOperation? {
        guard let op = makeUnsized(name, args) else { return nil }
        // Only the iommufd ioctls: VFIO's MAP_DMA and UNMAP_DMA have a `size` of their own.
        guard args["size"] != nil || args["trailing"] != nil, IoctlStructSize.of(op.kind) != nil else { return op }
        var size: UInt32 = IoctlStructSize.of(op.kind)?.size ?? 0
        if case .number(let v)? = args["size"] { size = UInt32(truncatingIfNeeded: v) }
        var trailing: UInt8 = 0
        if case .number(let v)? = args["trailing"] { trailing = UInt8(truncatingIfNeeded: v) }
        return .sized(op, size: size, trailing: trailing)
    }

    static func makeUnsized(_ name: String, _ args: [String: ArgValue]) -> IOMMUFDOperation? {
        func n(_ k: String) -> UInt64 {
            if case .number(let v)? = args[k] { return v }
            return 0
        }
        func u32(_ k: String) -> UInt32 { UInt32(truncatingIfNeeded: n(k)) }
        func argsz(_ size: UInt32) -> UInt32 { args["argsz"] == nil ? size : u32("argsz") }
        func array(_ k: String) -> [UInt64] {
            if case .array(let v)? = args[k] { return v }
            return []
        }
        // GUEST_S1_MAP's `flags=` (READABLE / WRITEABLE); read+write when not written.
        func guestPermissions() -> Permissions {
            guard args["flags"] != nil else { return .readWrite }
            var perms: Permissions = []
            if n("flags") & UInt64(IOMMUFDConstants.IOMMU_IOAS_MAP_READABLE) != 0 { perms.insert(.read) }
            if n("flags") & UInt64(IOMMUFDConstants.IOMMU_IOAS_MAP_WRITEABLE) != 0 { perms.insert(.write) }
            return perms
        }
        func device() -> Int? {
            if case .device(let d)? = args["dev"] { return d }
            return nil
        }
        switch name {
        case "IOMMU_IOAS_ALLOC": return .ioasAlloc(flags: u32("flags"))
        case "IOMMU_IOAS_MAP":
            var a = IOASMapArgs(flags: u32("flags"), ioasID: u32("ioas_id"), iova: n("iova"), length: n("length"),
                                userVA: n("user_va"), reserved: u32("__reserved"))
            a.process = UInt8(clamping: n("process"))
            return .ioasMap(a)
        case "IOMMU_IOAS_MAP_FILE":
            return .ioasMapFile(IOASMapFileArgs(flags: u32("flags"), ioasID: u32("ioas_id"), fd: u32("fd"), start: n("start"), length: n("length"), iova: n("iova")))
        case "IOMMU_IOAS_CHANGE_PROCESS": return .changeProcess(reserved: u32("__reserved"), process: UInt8(clamping: n("process")))
        case "PROCESS_EXIT": return .processExit(process: UInt8(clamping: n("process")))
        case "FTRUNCATE": return .ftruncate(fd: u32("fd"), length: n("length"))
        case "IOMMU_TEST_OP_DMABUF_GET": return .dmabufGet(length: n("length"), openFlags: u32("open_flags"))
        case "IOMMU_TEST_OP_DMABUF_REVOKE": return .dmabufRevoke(fd: u32("dmabuf_fd"), revoked: u32("revoked"))
        case "DMABUF_FD_CLOSE": return .dmabufClose(fd: u32("fd"))
        case "IOMMU_TEST_OP_MD_CHECK_DMABUF":
            return .checkMockDmabuf(hwptID: u32("id"), fd: u32("dmabuf_fd"), iova: n("iova"), length: n("length"), offset: n("offset"))
        case "IOMMU_IOAS_UNMAP": return .ioasUnmap(ioasID: u32("ioas_id"), iova: n("iova"), length: n("length"))
        case "IOMMU_IOAS_COPY":
            return .ioasCopy(IOASCopyArgs(flags: u32("flags"), dstIOASID: u32("dst_ioas_id"), srcIOASID: u32("src_ioas_id"),
                                          length: n("length"), dstIOVA: n("dst_iova"), srcIOVA: n("src_iova")))
        case "IOMMU_IOAS_ALLOW_IOVAS":
            let starts = array("start"), lasts = array("last")
            let ranges = zip(starts, lasts).map { IOVARange(first: $0, last: $1) }
            return .ioasAllowIOVAs(ioasID: u32("ioas_id"), ranges: ranges, reserved: u32("__reserved"))
        case "IOMMU_IOAS_IOVA_RANGES":
            return .ioasIOVARanges(ioasID: u32("ioas_id"), capacity: args["num_iovas"] == nil ? 16 : u32("num_iovas"), reserved: u32("__reserved"))
        case "IOMMU_OPTION":
            return .option(optionID: u32("option_id"), op: UInt16(truncatingIfNeeded: n("op")), objectID: u32("object_id"),
                           value: n("val64"), reserved: u32("__reserved"))
        case "IOMMU_HWPT_ALLOC":
            var preset: FormatPreset?
            if case .preset(let p)? = args["s1_format"] { preset = p }
            var alloc = HWPTAllocArgs(flags: u32("flags"), devID: u32("dev_id"), ptID: u32("pt_id"), faultID: u32("fault_id"),
                                      reserved: u32("__reserved"), s1Format: preset, s1Root: n("s1_root"),
                                      dataType: args["data_type"] == nil ? nil : u32("data_type"),
                                      dataLen: args["data_len"] == nil ? nil : u32("data_len"))
            alloc.pagetableType = u32("pagetable_type")
            return .hwptAlloc(alloc)
        case "IOMMU_GET_HW_INFO":
            return .getHWInfo(HWInfoArgs(devID: u32("dev_id"), flags: u32("flags"), dataLen: u32("data_len"), inDataType: u32("in_data_type"),
                                         reserved: u32("__reserved")))
        case "IOMMU_HWPT_SET_DIRTY_TRACKING": return .setDirtyTracking(hwptID: u32("hwpt_id"), flags: u32("flags"))
        case "IOMMU_HWPT_GET_DIRTY_BITMAP":
            return .getDirtyBitmap(DirtyBitmapArgs(hwptID: u32("hwpt_id"), flags: u32("flags"), reserved: u32("__reserved"),
                                                   iova: n("iova"), length: n("length"), pageSize: n("page_size")))
        case "IOMMU_VIOMMU_ALLOC":
            return .viommuAlloc(VIOMMUAllocArgs(flags: u32("flags"), type: u32("type"), devID: u32("dev_id"), hwptID: u32("hwpt_id"),
                                                dataLen: u32("data_len")))
        case "IOMMU_VDEVICE_ALLOC": return .vdeviceAlloc(viommuID: u32("viommu_id"), devID: u32("dev_id"), virtID: n("virt_id"))
        case "IOMMU_HWPT_INVALIDATE":
            let flags = array("flags"), iotlb = array("iotlb_id"), vdev = array("vdev_id"), cache = array("cache_id"), opcode = array("opcode")
            let count = [flags.count, iotlb.count, vdev.count, cache.count, opcode.count].max() ?? 0
            func at(_ a: [UInt64], _ i: Int) -> UInt64 { i < a.count ? a[i] : 0 }
            let entries = (0..<count).map { i in
                InvalidateEntry(flags: UInt32(truncatingIfNeeded: at(flags, i)), iotlbID: UInt32(truncatingIfNeeded: at(iotlb, i)), vdevID: at(vdev, i),
                                cacheID: UInt32(truncatingIfNeeded: at(cache, i)), opcode: UInt32(truncatingIfNeeded: at(opcode, i)))
            }
            return .hwptInvalidate(InvalidateArgs(hwptID: u32("hwpt_id"), dataUptr: n("data_uptr"), dataType: u32("data_type"), entryLen: u32("entry_len"),
                                                  entryNum: u32("entry_num"), reserved: u32("__reserved"), entries: entries))
        case "IOMMU_FAULT_QUEUE_ALLOC": return .faultQueueAlloc(flags: u32("flags"))
        case "IOMMU_VEVENTQ_ALLOC":
            return .veventqAlloc(viommuID: u32("viommu_id"), type: u32("type"), depth: u32("veventq_depth"), flags: u32("flags"), reserved: u32("__reserved"))
        case "IOMMU_TEST_OP_TRIGGER_IOPF": return .triggerIOPF(devID: u32("dev_id"), pasid: u32("pasid"))
        case "IOMMU_TEST_OP_TRIGGER_VEVENT": return .triggerVEvent(devID: u32("dev_id"))
        case "FAULT_FD_READ": return .faultRead(faultID: u32("fault_id"), count: args["count"] == nil ? 1 : u32("count"))
        case "FAULT_FD_WRITE": return .faultRespond(faultID: u32("fault_id"), cookie: u32("cookie"), code: u32("code"))
        case "VEVENTQ_FD_READ": return .veventqRead(veventqID: u32("veventq_id"), count: args["count"] == nil ? 1 : u32("count"))
        case "EVENTQ_FD_CLOSE": return .eventFDClose(id: u32("id"))
        case "IOMMU_TEST_OP_MD_CHECK_MAP": return .checkMockMap(hwptID: u32("id"), iova: n("iova"), length: n("length"), uptr: n("uptr"))
        case "IOMMU_TEST_OP_DIRTY":
            return .mockSetDirty(hwptID: u32("id"), iova: n("iova"), length: n("length"), pageSize: n("page_size"), stride: n("stride"))
        case "IOMMU_TEST_OP_MD_CHECK_REFS": return .checkRefs(uptr: n("uptr"), length: n("length"), refs: u32("refs"))
        case "IOMMU_TEST_OP_ADD_RESERVED": return .addReserved(ioasID: u32("id"), start: n("start"), length: n("length"))
        case "IOMMU_TEST_OP_CREATE_ACCESS": return .createAccess(ioasID: u32("id"), flags: u32("flags"))
        case "IOMMU_TEST_OP_ACCESS_PAGES":
            return .accessPages(AccessPagesArgs(fd: u32("id"), flags: u32("flags"), iova: n("iova"), length: n("length"), uptr: n("uptr")))
        case "IOMMU_TEST_OP_DESTROY_ACCESS_PAGES": return .destroyAccessPages(fd: u32("id"), itemID: u32("access_pages_id"))
        case "IOMMU_TEST_OP_ACCESS_RW": return .accessRW(AccessRWArgs(fd: u32("id"), iova: n("iova"), length: n("length"), flags: u32("flags")))
        case "IOMMU_TEST_OP_ACCESS_REPLACE_IOAS": return .accessReplaceIOAS(fd: u32("id"), ioasID: u32("ioas_id"))
        case "ACCESS_FD_CLOSE": return .accessClose(fd: u32("id"))
        case "MMAP": return .mmap(offset: n("offset"), length: n("length"))
        case "MUNMAP": return .munmap(offset: n("offset"))
        case "IOMMU_TEST_OP_MD_CHECK_IOTLB": return .checkMockIOTLB(hwptID: u32("id"), iotlbID: u32("iotlb_id"), value: n("iotlb"))
        case "IOMMU_TEST_OP_DEV_CHECK_CACHE": return .checkMockCache(devID: u32("id"), cacheID: u32("cache_id"), value: n("cache"))
        case "IOMMU_HW_QUEUE_ALLOC":
            return .hwQueueAlloc(HWQueueAllocArgs(flags: u32("flags"), viommuID: u32("viommu_id"), type: u32("type"), index: u32("index"),
                                                  iova: n("nesting_parent_iova"), length: n("length")))
        case "IOMMU_TEST_OP_PASID_ATTACH":
            guard let d = device() else { return nil }
            return .testPasidAttach(device: d, pasid: u32("pasid"), ptID: u32("pt_id"))
        case "IOMMU_TEST_OP_PASID_REPLACE":
            guard let d = device() else { return nil }
            return .testPasidReplace(device: d, pasid: u32("pasid"), ptID: u32("pt_id"))
        case "IOMMU_TEST_OP_PASID_DETACH":
            guard let d = device() else { return nil }
            return .testPasidDetach(device: d, pasid: u32("pasid"))
        case "IOMMU_TEST_OP_PASID_CHECK_HWPT":
            guard let d = device() else { return nil }
            return .testPasidCheckHWPT(device: d, pasid: u32("pasid"), hwptID: u32("hwpt_id"))
        case "IOMMU_VFIO_IOAS": return .vfioIOAS(op: UInt16(truncatingIfNeeded: n("op")), ioasID: u32("ioas_id"), reserved: UInt16(truncatingIfNeeded: n("__reserved")))
        case "VFIO_GET_API_VERSION": return .vfioAPIVersion
        case "VFIO_CHECK_EXTENSION": return .vfioCheckExtension(arg: n("arg"))
        case "VFIO_SET_IOMMU": return .vfioSetIOMMU(arg: n("arg"))
        // An argsz not written is the struct's size (SPEC: "except size/argsz").
        case "VFIO_IOMMU_MAP_DMA":
            return .vfioMapDMA(argsz: argsz(IOMMUFD.VFIOStructSize.dmaMap), flags: u32("flags"), vaddr: n("vaddr"), iova: n("iova"), size: n("size"))
        case "VFIO_IOMMU_UNMAP_DMA":
            return .vfioUnmapDMA(argsz: argsz(IOMMUFD.VFIOStructSize.dmaUnmap), flags: u32("flags"), iova: n("iova"), size: n("size"))
        case "VFIO_IOMMU_GET_INFO": return .vfioGetInfo(argsz: argsz(IOMMUFD.VFIOStructSize.info))
        case "VFIO_IOMMU_DIRTY_PAGES": return .vfioDirtyPages(argsz: argsz(16), flags: u32("flags"))
        case "IOMMU_DESTROY": return .destroy(id: u32("id"))
        case "VFIO_DEVICE_BIND_IOMMUFD":
            guard let d = device() else { return nil }
            var fd: Int64?
            if case .signed(let v)? = args["iommufd"] { fd = v }
            return .bind(device: d, iommufd: fd, flags: u32("flags"))
        case "VFIO_DEVICE_ATTACH_IOMMUFD_PT":
            guard let d = device() else { return nil }
            return .attach(device: d, flags: u32("flags"), ptID: u32("pt_id"), pasid: u32("pasid"))
        case "VFIO_DEVICE_DETACH_IOMMUFD_PT":
            guard let d = device() else { return nil }
            return .detach(device: d, flags: u32("flags"), pasid: u32("pasid"))
        case "CLOSE":
            guard let d = device() else { return nil }
            return .close(device: d)
        case "TRANSLATE":
            guard let d = device() else { return nil }
            var access = Access.read
            if case .access(let a)? = args["access"] { access = a }
            return .translate(device: d, pasid: u32("pasid"), iova: n("iova"), access: access)
        case "GUEST_S1_MAP":
            let perms = guestPermissions()
            let table: UInt64? = args["table_gpa"] == nil ? nil : n("table_gpa")
            return .guestS1Map(hwptID: u32("hwpt_id"), iova: n("iova"), gpa: n("gpa"), length: n("length"), permissions: perms, tableGPA: table)
        case "GUEST_S1_UNMAP": return .guestS1Unmap(hwptID: u32("hwpt_id"), iova: n("iova"), length: n("length"))
        default: return nil
        }
    }

    /// The catalog row of this operation.
    public var kind: Kind {
        switch self {
        case .sized(let op, _, _): return op.kind
        case .ioasAlloc: return .ioasAlloc
        case .ioasMap: return .ioasMap
        case .ioasMapFile: return .ioasMapFile
        case .changeProcess: return .changeProcess
        case .ftruncate: return .ftruncate
        case .processExit: return .processExit
        case .dmabufGet: return .dmabufGet
        case .dmabufRevoke: return .dmabufRevoke
        case .dmabufClose: return .dmabufClose
        case .checkMockDmabuf: return .checkMockDmabuf
        case .ioasUnmap: return .ioasUnmap
        case .ioasCopy: return .ioasCopy
        case .ioasAllowIOVAs: return .ioasAllowIOVAs
        case .ioasIOVARanges: return .ioasIOVARanges
        case .option: return .option
        case .hwptAlloc: return .hwptAlloc
        case .getHWInfo: return .getHWInfo
        case .setDirtyTracking: return .setDirtyTracking
        case .getDirtyBitmap: return .getDirtyBitmap
        case .viommuAlloc: return .viommuAlloc
        case .vdeviceAlloc: return .vdeviceAlloc
        case .hwptInvalidate: return .hwptInvalidate
        case .hwQueueAlloc: return .hwQueueAlloc
        case .faultQueueAlloc: return .faultQueueAlloc
        case .veventqAlloc: return .veventqAlloc
        case .triggerIOPF: return .triggerIOPF
        case .triggerVEvent: return .triggerVEvent
        case .faultRead: return .faultRead
        case .faultRespond: return .faultRespond
        case .veventqRead: return .veventqRead
        case .eventFDClose: return .eventFDClose
        case .checkMockMap: return .checkMockMap
        case .checkRefs: return .checkRefs
        case .mockSetDirty: return .mockSetDirty
        case .addReserved: return .addReserved
        case .createAccess: return .createAccess
        case .accessPages: return .accessPages
        case .destroyAccessPages: return .destroyAccessPages
        case .accessRW: return .accessRW
        case .accessReplaceIOAS: return .accessReplaceIOAS
        case .accessClose: return .accessClose
        case .mmap: return .mmap
        case .munmap: return .munmap
        case .checkMockIOTLB: return .checkMockIOTLB
        case .checkMockCache: return .checkMockCache
        case .testPasidAttach: return .testPasidAttach
        case .testPasidReplace: return .testPasidReplace
        case .testPasidDetach: return .testPasidDetach
        case .testPasidCheckHWPT: return .testPasidCheckHWPT
        case .vfioIOAS: return .vfioIOAS
        case .vfioAPIVersion: return .vfioAPIVersion
        case .vfioCheckExtension: return .vfioCheckExtension
        case .vfioSetIOMMU: return .vfioSetIOMMU
        case .vfioMapDMA: return .vfioMapDMA
        case .vfioUnmapDMA: return .vfioUnmapDMA
        case .vfioGetInfo: return .vfioGetInfo
        case .vfioDirtyPages: return .vfioDirtyPages
        case .destroy: return .destroy
        case .bind: return .bind
        case .attach: return .attach
        case .detach: return .detach
        case .close: return .close
        case .translate: return .translate
        case .guestS1Map: return .guestS1Map
        case .guestS1Unmap: return .guestS1Unmap
        }
    }

}

extension IOMMUFDOperation: CatalogOperation {
    public init?(kind: Kind, arguments: [String: ArgValue]) {
        guard let op = Self.make(Self.catalog.spec(kind).name, arguments) else { return nil }
        self = op
    }
}
