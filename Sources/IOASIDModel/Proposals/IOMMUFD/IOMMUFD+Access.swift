/// The in-kernel access API of emulated (mdev-style) devices, driven as the kernel selftest drives
/// it through its own driver: the reference tree's device.c (`iommufd_access_create`, `_attach`,
/// `_replace`, `iommufd_access_change_ioas`, `_destroy`, `iommufd_access_pin_pages`,
/// `_unpin_pages`, `iommufd_access_rw`, `iommufd_access_notify_unmap`), io_pagetable.c
/// (`iopt_add_access`, `iopt_unmap_iova_range`) and selftest.c (`iommufd_test_create_access`,
/// `_access_pages`, `_access_item_destroy`, `_access_rw`, `_access_replace_ioas`, and the access
/// fd's release). The selftest names an access by its fd; the model numbers it `eventFD(id)`.
extension IOMMUFD {
    /// The access an fd names: `iommufd_access_get` (EBADFD for any fd that is not one).
    func accessID(fd: UInt32, _ s: IOMMUFDState) throws(Errno) -> (id: UInt32, access: EmulatedAccess) {
        guard UInt64(fd) > Self.eventFD(0) else { throw .EBADFD }
        let id = UInt32(UInt64(fd) - Self.eventFD(0))
        guard case .access(let a)? = s.object(id)?.body else { throw .EBADFD }
        return (id, a)
    }

    func updateAccess(_ id: UInt32, _ s: inout IOMMUFDState, _ body: (inout EmulatedAccess) -> Void) {
        guard let i = s.objectIndex(id), case .access(var a) = s.objects[i].body else { return }
        body(&a)
        s.objects[i].body = .access(a)
    }

    /// `IOMMU_TEST_OP_CREATE_ACCESS`: `iommufd_access_create` then `iommufd_access_attach`; the
    /// driver holds a reference on the ACCESS until it closes the fd.
    func createAccess(ioasID: UInt32, flags: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard flags & ~C.MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES == 0 else { throw .EOPNOTSUPP }
        guard s.hasIOAS(ioasID) else { throw .ENOENT }
        let needsPin = flags & C.MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES != 0
        let id = s.insertObject(.access(EmulatedAccess(ioas: 0, needsPin: needsPin)), users: 1)
        do {
            try attachAccess(id, to: ioasID, &s)
        } catch {
            s.removeObject(id)
            throw error
        }
        let fd = Self.eventFD(id)
        return Outcome(.ok, outputs: [OutputField("out_access_fd", .number(fd))], principal: fd)
    }

    /// `iopt_add_access` and the reference it takes: the IOAS's alignment rises to the access's
    /// (`iopt_calculate_iova_alignment`: EADDRINUSE when an area no longer fits it).
    func attachAccess(_ id: UInt32, to ioasID: UInt32, _ s: inout IOMMUFDState) throws(Errno) {
        updateAccess(id, &s) { $0.ioas = ioasID }
        do {
            try checkAreasAligned(ioasID, s)
        } catch {
            updateAccess(id, &s) { $0.ioas = 0 }
            throw error
        }
        s.addUsers(ioasID, 1)
    }

    /// `iommufd_access_change_ioas` away from the current IOAS: the driver's `unmap` callback over
    /// everything, then the reference goes.
    func detachAccess(_ id: UInt32, _ s: inout IOMMUFDState) {
        guard case .access(let a)? = s.object(id)?.body, a.ioas != 0 else { return }
        notifyUnmap(accessID: id, IOVARange.all, &s)
        updateAccess(id, &s) { $0.ioas = 0 }
        s.addUsers(a.ioas, -1)
    }

    /// The selftest driver's `unmap` op (`iommufd_test_access_unmap`): every item meeting the
    /// range is unpinned and dropped — unless `access-driver = keeps-pins`, the driver bug the
    /// kernel WARNs about.
    func notifyUnmap(accessID id: UInt32, _ range: IOVARange, _ s: inout IOMMUFDState) {
        guard config.accessDriverUnpins else { return }
        updateAccess(id, &s) { a in a.items.removeAll { $0.range.intersects(range) } }
    }

    /// `IOMMU_TEST_OP_ACCESS_REPLACE_IOAS`: `iommufd_access_replace` (ENOENT when detached); the
    /// new IOAS is added before the old is let go, and replacing by the same IOAS does nothing.
    func replaceAccessIOAS(fd: UInt32, ioasID: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let (id, access) = try accessID(fd: fd, s)
        guard access.ioas != 0 else { throw .ENOENT }
        guard s.hasIOAS(ioasID) else { throw .ENOENT }
        guard ioasID != access.ioas else { return .ok }
        let old = access.ioas
        try attachAccess(id, to: ioasID, &s)
        notifyUnmap(accessID: id, IOVARange.all, &s)
        s.addUsers(old, -1)
        return .ok
    }

    /// `close()` of the access fd (`iommufd_test_staccess_release`): the driver unpins what it
    /// holds, then `iommufd_access_destroy` detaches and drops its reference.
    func closeAccess(fd: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let (id, _) = try? accessID(fd: fd, s) else { throw .EBADF }
        notifyUnmap(accessID: id, IOVARange.all, &s)
        detachAccess(id, &s)
        s.addUsers(id, -1)
        destroyObject(id, &s)
        return .ok
    }

    /// `IOMMU_TEST_OP_ACCESS_PAGES`: the driver's checks, then `iommufd_access_pin_pages`, then an
    /// item; `uptr`, when given, must be the user memory behind `iova` (else EBADE,
    /// `iommufd_test_check_pages`).
    func accessPages(_ a: AccessPagesArgs, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        // Against syzkaller's kvzalloc WARN: 16 MiB at most.
        guard a.length <= 16 << 20 else { throw .ENOMEM }
        guard a.flags & ~(C.MOCK_FLAGS_ACCESS_WRITE | C.MOCK_FLAGS_ACCESS_SYZ) == 0 else { throw .EOPNOTSUPP }
        let (id, access) = try accessID(fd: a.fd, s)
        guard access.needsPin else { throw .EOPNOTSUPP }
        guard a.length != 0 else { throw .EINVAL }
        guard let range = IOVARange(start: a.iova, length: a.length) else { throw .EOVERFLOW }
        guard access.ioas != 0, let ioas = s.ioas(access.ioas) else { throw .ENOENT }
        let pieces = try contiguousAreas(ioas, range, write: a.flags & C.MOCK_FLAGS_ACCESS_WRITE != 0, pinning: true)
        if a.uptr != 0, let first = pieces.first, first.userVA &+ (a.iova - first.range.first) != a.uptr { throw .EBADE }
        let item = access.nextItem
        updateAccess(id, &s) { x in
            x.items.append(AccessItem(id: item, ioas: access.ioas, range: range))
            x.nextItem &+= 1
        }
        return Outcome(.ok, outputs: [OutputField("out_access_pages_id", .number(UInt64(item)))], principal: UInt64(item))
    }

    /// `IOMMU_TEST_OP_DESTROY_ACCESS_PAGES`: the driver unpins one item (ENOENT for an id it
    /// does not hold).
    func destroyAccessPages(fd: UInt32, itemID: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let (id, access) = try accessID(fd: fd, s)
        guard access.items.contains(where: { $0.id == itemID }) else { throw .ENOENT }
        updateAccess(id, &s) { $0.items.removeAll { $0.id == itemID } }
        return .ok
    }

    /// `IOMMU_TEST_OP_ACCESS_RW`: the driver's checks, then `iommufd_access_rw` (the bytes moved
    /// are memory contents, not modelled).
    func accessRW(_ a: AccessRWArgs, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard a.length <= 16 << 20 else { throw .ENOMEM }
        guard a.flags & ~(C.MOCK_ACCESS_RW_WRITE | C.MOCK_ACCESS_RW_SLOW_PATH | C.MOCK_FLAGS_ACCESS_SYZ) == 0 else { throw .EOPNOTSUPP }
        let (_, access) = try accessID(fd: a.fd, s)
        guard a.length != 0 else { throw .EINVAL }
        guard let range = IOVARange(start: a.iova, length: a.length) else { throw .EOVERFLOW }
        guard access.ioas != 0, let ioas = s.ioas(access.ioas) else { throw .ENOENT }
        _ = try contiguousAreas(ioas, range, write: a.flags & C.MOCK_ACCESS_RW_WRITE != 0, pinning: false)
        return .ok
    }

    /// `iopt_for_each_contig_area` over `range` with the checks of pin_pages and rw: an area an
    /// unmap gave up on (`prevent_access`) or, when pinning, a piece not on page boundaries
    /// (`iopt_area_contig_is_aligned`) is EINVAL; an area without the permission EPERM; a hole
    /// ENOENT.
    func contiguousAreas(_ ioas: IOAS, _ range: IOVARange, write: Bool, pinning: Bool) throws(Errno) -> [Area] {
        var cursor = range.first
        var out: [Area] = []
        for area in ioas.areas where area.range.last >= cursor {
            guard area.range.contains(cursor) else { break }
            let last = min(area.range.last, range.last)
            if area.preventAccess { throw .EINVAL }
            if pinning {
                let startByte = area.userVA &+ (cursor - area.range.first)
                let endByte = area.userVA &+ (area.range.last - area.range.first)
                if startByte % pageSize != 0 || (last != range.last && endByte % pageSize != pageSize - 1) { throw .EINVAL }
            }
            guard area.permissions.contains(write ? .write : .read) else { throw .EPERM }
            out.append(area)
            if last == range.last { return out }
            cursor = last + 1
        }
        throw .ENOENT
    }

    /// Whether an access's items pin part of `area` of `ioasID` (`area->num_accesses`).
    func accessesPin(_ area: Area, of ioasID: UInt32, _ s: IOMMUFDState) -> Bool {
        for o in s.objects {
            guard case .access(let a) = o.body else { continue }
            if a.items.contains(where: { $0.ioas == ioasID && $0.range.intersects(area.range) }) { return true }
        }
        return false
    }

    /// `iopt_unmap_iova_range` meeting an area accesses pin: `prevent_access` is set and every
    /// access on the IOAS is told to unmap the area (`iommufd_access_notify_unmap`); the unmap then
    /// retries. Whether the area is free afterwards (else the retries run out: EDEADLOCK).
    func releaseAccesses(of area: Area, in ioasID: UInt32, _ s: inout IOMMUFDState) -> Bool {
        s.updateIOAS(ioasID) { x in
            if let i = x.areas.firstIndex(where: { $0.range == area.range }) { x.areas[i].preventAccess = true }
        }
        for o in s.objects {
            guard case .access(let a) = o.body, a.ioas == ioasID else { continue }
            notifyUnmap(accessID: o.id, area.range, &s)
        }
        return !accessesPin(area, of: ioasID, s)
    }
}

/// The fields of the selftest's `access_pages` command.
public struct AccessPagesArgs: Hashable, Sendable {
    /// The access fd (`id` of `struct iommu_test_cmd`).
    public var fd: UInt32
    public var flags: UInt32
    public var iova: UInt64
    public var length: UInt64
    public var uptr: UInt64

    public init(fd: UInt32, flags: UInt32 = 0, iova: UInt64, length: UInt64, uptr: UInt64 = 0) {
        self.fd = fd
        self.flags = flags
        self.iova = iova
        self.length = length
        self.uptr = uptr
    }
}

/// The fields of the selftest's `access_rw` command (the buffer itself aside).
public struct AccessRWArgs: Hashable, Sendable {
    public var fd: UInt32
    public var iova: UInt64
    public var length: UInt64
    public var flags: UInt32

    public init(fd: UInt32, iova: UInt64, length: UInt64, flags: UInt32 = 0) {
        self.fd = fd
        self.iova = iova
        self.length = length
        self.flags = flags
    }
}
