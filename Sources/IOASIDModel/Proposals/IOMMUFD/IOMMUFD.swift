/// iommufd as merged (`domain/proposals.md` S7), as pure transitions: `apply(op, to: state)`
/// returns the next state and the outcome, in the kernel's order of checks (`domain/iommufd.md`
/// §10). A failure leaves the state unchanged, except a multi-area `IOMMU_IOAS_UNMAP`, which the
/// kernel does not undo either (§3.4).
public struct IOMMUFD: Hashable, Sendable {
    public var topology: Topology
    public var config: IOMMUFDConfig
    /// The VM each topology device belongs to, for the rules that hold per VM (`compat-check =
    /// join`, `pasid-scope = per-vm`); empty: one VM. A design with several VMs sets it from its
    /// own state before each call.
    public var deviceVMs: [UInt8] = []

    public init(topology: Topology, config: IOMMUFDConfig = IOMMUFDConfig()) {
        self.topology = topology
        self.config = config
    }

    /// The state before any operation: nothing allocated, nothing bound, DMA blocked.
    public var initialState: IOMMUFDState { IOMMUFDState(deviceCount: topology.devices.count) }

    /// The VM `device` belongs to (0 when there is one).
    func vm(of device: Int) -> Int { device < deviceVMs.count ? Int(deviceVMs[device]) : 0 }

    /// `PAGE_SIZE` of the host.
    var pageSize: UInt64 { topology.host.pageSize }
    /// `ULONG_MAX` (64-bit kernel).
    static let ulongMax = UInt64.max

    /// The next state and the outcome of `op`.
    public func apply(_ op: IOMMUFDOperation, to state: IOMMUFDState) -> (IOMMUFDState, Outcome) {
        var next = state
        let outcome = apply(op, on: &next)
        let result = outcome.isSuccess || outcome.keepsPartialState ? next : state
        assertConsistent(result, after: op)
        return (result, outcome.outcome)
    }

    /// Internal consistency in debug builds: `users` equals the references that exist (not under
    /// `destroy-check = none`, whose whole point is to break that).
    func assertConsistent(_ state: IOMMUFDState, after op: IOMMUFDOperation) {
        #if DEBUG
        if config.destroyCheck == .refcount {
            let mismatches = IOMMUFDView(machine: self, state: state).refcountMismatches()
            assert(mismatches.isEmpty, "reference counts after \(op): \(mismatches)")
        }
        #endif
    }

    /// In place: `state` is left unchanged on failure (except the non-atomic paths).
    public func apply(_ op: IOMMUFDOperation, to state: inout IOMMUFDState) -> Outcome {
        let (next, outcome) = apply(op, to: state)
        state = next
        return outcome
    }

    /// `op` applied to `state` in place for the explorer, which puts the state back itself after
    /// an atomic failure (`IOMMUFDProposal.advance(_:from:by:coverage:)`).
    func applyInPlace(_ op: IOMMUFDOperation, to state: inout IOMMUFDState) -> Step {
        let step = apply(op, on: &state)
        if step.isSuccess || step.keepsPartialState { assertConsistent(state, after: op) }
        return step
    }

    /// An outcome, and whether a failure still keeps the changes made before it.
    struct Step {
        var outcome: Outcome
        var keepsPartialState = false
        var isSuccess: Bool { outcome.isSuccess }
    }

    private func apply(_ op: IOMMUFDOperation, on s: inout IOMMUFDState) -> Step {
        func run(_ body: (inout IOMMUFDState) throws(Errno) -> Outcome) -> Step {
            do { return Step(outcome: try body(&s)) } catch { return Step(outcome: .errno(error)) }
        }
        switch op {
        case .sized(let inner, let size, let trailing):
            return sizedStep(inner, size: size, trailing: trailing, &s) ?? apply(inner, on: &s)
        case .ioasAlloc(let flags): return run { s throws(Errno) in try ioasAlloc(flags: flags, &s) }
        case .ioasMap(let a): return run { s throws(Errno) in try ioasMap(a, &s) }
        case .ioasMapFile(let a): return run { s throws(Errno) in try ioasMapFile(a, &s) }
        case .changeProcess(let reserved, let process): return run { s throws(Errno) in try changeProcess(reserved: reserved, process: process, &s) }
        case .processExit(let p): return run { s throws(Errno) in try processExit(p, &s) }
        case .ftruncate(let fd, let length): return run { s throws(Errno) in try ftruncate(fd: fd, length: length, &s) }
        case .dmabufGet(let length, let flags): return run { s throws(Errno) in try dmabufGet(length: length, openFlags: flags, &s) }
        case .dmabufRevoke(let fd, let revoked): return run { s throws(Errno) in try dmabufRevoke(fd: fd, revoked: revoked, &s) }
        case .dmabufClose(let fd): return run { s throws(Errno) in try dmabufClose(fd: fd, &s) }
        case .checkMockDmabuf(let h, let fd, let iova, let length, let offset):
            return run { s throws(Errno) in try checkMockDmabuf(hwptID: h, fd: fd, iova: iova, length: length, offset: offset, s) }
        case .ioasUnmap(let id, let iova, let length): return ioasUnmap(ioasID: id, iova: iova, length: length, &s)
        case .ioasCopy(let a): return run { s throws(Errno) in try ioasCopy(a, &s) }
        case .ioasAllowIOVAs(let id, let ranges, let reserved):
            return run { s throws(Errno) in try allowIOVAs(ioasID: id, ranges: ranges, reserved: reserved, &s) }
        case .ioasIOVARanges(let id, let capacity, let reserved):
            var step = run { s throws(Errno) in try iovaRanges(ioasID: id, capacity: capacity, reserved: reserved, s) }
            if step.outcome.status == .errno(.EMSGSIZE) { step.outcome.outputs = iovaRangesOverflow(ioasID: id, capacity: capacity, s) }
            return step
        case .option(let option, let op, let object, let value, let reserved):
            return run { s throws(Errno) in try self.option(option, op: op, objectID: object, value: value, reserved: reserved, &s) }
        case .hwptAlloc(let a): return run { s throws(Errno) in try hwptAlloc(a, &s) }
        case .getHWInfo(let a): return run { s throws(Errno) in try hwInfo(a, s) }
        case .setDirtyTracking(let h, let flags): return run { s throws(Errno) in try setDirtyTracking(hwptID: h, flags: flags, &s) }
        case .getDirtyBitmap(let a): return run { s throws(Errno) in try getDirtyBitmap(a, &s) }
        case .viommuAlloc(let a): return run { s throws(Errno) in try viommuAlloc(a, &s) }
        case .vdeviceAlloc(let v, let d, let virt): return run { s throws(Errno) in try vdeviceAlloc(viommuID: v, devID: d, virtID: virt, &s) }
        case .hwptInvalidate(let a): return hwptInvalidate(a, &s)
        case .faultQueueAlloc(let flags): return run { s throws(Errno) in try faultQueueAlloc(flags: flags, &s) }
        case .veventqAlloc(let v, let type, let depth, let flags, let reserved):
            return run { s throws(Errno) in try veventqAlloc(viommuID: v, type: type, depth: depth, flags: flags, reserved: reserved, &s) }
        case .triggerIOPF(let d, let pasid): return run { s throws(Errno) in try triggerIOPF(devID: d, pasid: pasid, &s) }
        case .triggerVEvent(let d): return run { s throws(Errno) in try triggerVEvent(devID: d, &s) }
        case .faultRead(let f, let count): return run { s throws(Errno) in try readFaults(faultID: f, count: count, &s) }
        case .faultRespond(let f, let cookie, let code): return run { s throws(Errno) in try respondFault(faultID: f, cookie: cookie, code: code, &s) }
        case .veventqRead(let q, let count): return run { s throws(Errno) in try readVEvents(veventqID: q, count: count, &s) }
        case .checkMockIOTLB(let h, let id, let value): return run { s throws(Errno) in try checkMockIOTLB(hwptID: h, iotlbID: id, value: value, s) }
        case .checkMockCache(let d, let id, let value): return run { s throws(Errno) in try checkMockCache(devID: d, cacheID: id, value: value, s) }
        case .checkMockMap(let h, let iova, let length, let uptr):
            return run { s throws(Errno) in try checkMockMap(hwptID: h, iova: iova, length: length, uptr: uptr, s) }
        case .mockSetDirty(let h, let iova, let length, let pageSize, let stride):
            return run { s throws(Errno) in try mockSetDirty(hwptID: h, iova: iova, length: length, pageSize: pageSize, stride: stride, &s) }
        case .checkRefs(let uptr, let length, let refs): return run { s throws(Errno) in try checkRefs(uptr: uptr, length: length, refs: refs, s) }
        case .addReserved(let id, let start, let length): return run { s throws(Errno) in try addReserved(ioasID: id, start: start, length: length, &s) }
        case .createAccess(let id, let flags): return run { s throws(Errno) in try createAccess(ioasID: id, flags: flags, &s) }
        case .accessPages(let a): return run { s throws(Errno) in try accessPages(a, &s) }
        case .destroyAccessPages(let fd, let item): return run { s throws(Errno) in try destroyAccessPages(fd: fd, itemID: item, &s) }
        case .accessRW(let a): return run { s throws(Errno) in try accessRW(a, s) }
        case .accessReplaceIOAS(let fd, let id): return run { s throws(Errno) in try replaceAccessIOAS(fd: fd, ioasID: id, &s) }
        case .accessClose(let fd): return run { s throws(Errno) in try closeAccess(fd: fd, &s) }
        case .mmap(let offset, let length): return run { s throws(Errno) in try mmapRegion(offset: offset, length: length, &s) }
        case .munmap(let offset): return run { s throws(Errno) in try munmapRegion(offset: offset, &s) }
        case .eventFDClose(let id): return run { s throws(Errno) in try closeEventFD(id: id, &s) }
        case .hwQueueAlloc(let a): return run { s throws(Errno) in try hwQueueAlloc(a, &s) }
        case .testPasidAttach(let d, let pasid, let pt):
            return run { s throws(Errno) in try testPasidAttach(device: d, pasid: pasid, ptID: pt, replacing: false, &s) }
        case .testPasidReplace(let d, let pasid, let pt):
            return run { s throws(Errno) in try testPasidAttach(device: d, pasid: pasid, ptID: pt, replacing: true, &s) }
        case .testPasidDetach(let d, let pasid): return run { s throws(Errno) in try testPasidDetach(device: d, pasid: pasid, &s) }
        case .testPasidCheckHWPT(let d, let pasid, let h): return run { s throws(Errno) in try testPasidCheckHWPT(device: d, pasid: pasid, hwptID: h, s) }
        case .vfioIOAS(let op, let id, let reserved): return run { s throws(Errno) in try vfioIOASCommand(op: op, ioasID: id, reserved: reserved, &s) }
        case .vfioAPIVersion: return Step(outcome: Self.returning(IOMMUFDConstants.VFIO_API_VERSION))
        case .vfioCheckExtension(let arg): return run { s throws(Errno) in try vfioCheckExtension(arg, s) }
        case .vfioSetIOMMU(let arg): return run { s throws(Errno) in try compatSetIOMMU(type: arg, &s) }
        case .vfioMapDMA(let argsz, let flags, let vaddr, let iova, let size):
            return run { s throws(Errno) in try vfioFDMapDMA(argsz: argsz, flags: flags, vaddr: vaddr, iova: iova, size: size, &s) }
        case .vfioUnmapDMA(let argsz, let flags, let iova, let size): return vfioFDUnmapDMA(argsz: argsz, flags: flags, iova: iova, size: size, &s)
        case .vfioGetInfo(let argsz): return run { s throws(Errno) in try vfioGetInfo(argsz: argsz, s) }
        // iommufd_vfio_ioctl has no case for it: -ENOIOCTLCMD, which the fd's ioctl turns into ENOTTY.
        case .vfioDirtyPages: return Step(outcome: .errno(.ENOTTY))
        case .destroy(let id): return run { s throws(Errno) in try destroy(id, &s) }
        case .bind(let d, let fd, let flags): return run { s throws(Errno) in try bind(device: d, iommufd: fd, flags: flags, &s) }
        case .attach(let d, let flags, let pt, let pasid):
            return run { s throws(Errno) in try vfioAttach(device: d, flags: flags, ptID: pt, pasid: pasid, &s) }
        case .detach(let d, let flags, let pasid):
            return run { s throws(Errno) in try vfioDetach(device: d, flags: flags, pasid: pasid, &s) }
        case .close(let d): return run { s throws(Errno) in close(device: d, &s); return .ok }
        case .translate(let d, let pasid, let iova, let access):
            return Step(outcome: translate(device: d, pasid: pasid, iova: iova, access: access, &s))
        case .guestS1Map(let h, let iova, let gpa, let length, let perms, let table):
            return run { s throws(Errno) in try guestS1Map(hwptID: h, iova: iova, gpa: gpa, length: length, permissions: perms, tableGPA: table, &s) }
        case .guestS1Unmap(let h, let iova, let length):
            return run { s throws(Errno) in try guestS1Unmap(hwptID: h, iova: iova, length: length, &s) }
        }
    }
}
