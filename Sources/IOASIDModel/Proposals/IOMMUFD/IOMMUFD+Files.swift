/// File-backed mappings and the process pinned memory is charged to: `IOMMU_IOAS_MAP_FILE` of a
/// memfd or of the selftest's dma-bufs (ioas.c `iommufd_ioas_map_file`, io_pagetable.c
/// `iopt_map_file_pages`, pages.c `iopt_alloc_file_pages` / `iopt_alloc_dmabuf_pages` /
/// `iopt_revoke_notify`, selftest.c `iommufd_test_dmabuf_get` / `_revoke`) and
/// `IOMMU_IOAS_CHANGE_PROCESS` (ioas.c `iommufd_ioas_change_process`).
extension IOMMUFD {
    /// `IOMMU_IOAS_MAP_FILE`: the checks of `IOMMU_IOAS_MAP` up to the IOAS, then the fd: a dma-buf
    /// (its range must lie in it, EINVAL; revoked, ENODEV), else a memfd (`iopt_alloc_pages`: length
    /// 0 or huge EINVAL, a wrapping range EOVERFLOW), else EBADF for an fd that is not open and
    /// EINVAL for an open file that is neither. From there the map is `IOMMU_IOAS_MAP`'s.
    func ioasMapFile(_ a: IOASMapFileArgs, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        let perms = try mapRequest(flags: a.flags, reserved: 0, iova: a.iova, length: a.length)
        guard s.hasIOAS(a.ioasID) else { throw .ENOENT }
        var piece: Area
        if let slot = openDmabuf(fd: a.fd, s) {
            let buf = s.dmabufs[slot]
            guard a.length != 0, let r = IOVARange(start: a.start, length: a.length), r.last < buf.size else { throw .EINVAL }
            guard !buf.revoked else { throw .ENODEV }
            piece = Area(range: IOVARange(first: 0, last: a.length - 1), userVA: DmaBuf.base(slot) + a.start, permissions: perms,
                         writablePages: perms.contains(.write))
            piece.backing = .dmabuf(UInt8(slot))
        } else if let m = topology.memfd(fd: a.fd) {
            guard a.length != 0, a.length <= UInt64.max - pageSize else { throw .EINVAL }
            guard IOVARange(start: a.start, length: a.length) != nil else { throw .EOVERFLOW }
            let va = topology.memfds[m].va
            guard !va.addingReportingOverflow(a.start).overflow, !(va &+ a.start).addingReportingOverflow(a.length).overflow else { throw .EOVERFLOW }
            piece = Area(range: IOVARange(first: 0, last: a.length - 1), userVA: va + a.start, permissions: perms,
                         writablePages: perms.contains(.write))
            piece.backing = .memfd(UInt8(m))
        } else {
            throw isOpenFile(a.fd, s) ? .EINVAL : .EBADF
        }
        let fixed = a.flags & C.IOMMU_IOAS_MAP_FIXED_IOVA != 0 ? a.iova : nil
        let iova = try mapPieces([piece], length: a.length, ioasID: a.ioasID, fixedIOVA: fixed, &s)
        return Outcome(.ok, outputs: [OutputField("iova", .number(iova))], principal: iova)
    }

    /// The process's open fds that are no memfd and no dma-buf: the standard streams, the iommufd,
    /// the device fds, and the event and access fds of live objects (64 + id).
    func isOpenFile(_ fd: UInt32, _ s: IOMMUFDState) -> Bool {
        if fd < 4 + UInt32(topology.devices.count) { return true }
        guard fd >= 64 else { return false }
        switch s.object(fd - 64)?.body {
        case .fault(let f)?: return f.fdOpen
        case .veventq(let q)?: return q.fdOpen
        case .access?: return true
        default: return false
        }
    }

    /// The slot of the dma-buf whose fd `fd` is, while that fd is open.
    func openDmabuf(fd: UInt32, _ s: IOMMUFDState) -> Int? { s.dmabufs.firstIndex { $0.fd == fd && $0.fdOpen } }

    /// A memfd's size now (`FTRUNCATE` changes it).
    func fileSize(_ m: Int, _ s: IOMMUFDState) -> UInt64 { m < s.fileSizes.count ? s.fileSizes[m] : topology.memfds[m].size }

    /// Why pinning a memfd area fails: pages past the end of the file (`memfd_pin_folios`).
    func filePinError(_ area: Area, _ s: IOMMUFDState) -> Errno? {
        guard case .memfd(let m) = area.backing else { return nil }
        let offset = area.userVA - topology.memfds[Int(m)].va
        let (end, wrapped) = offset.addingReportingOverflow(area.range.length)
        return wrapped || end > fileSize(Int(m), s) ? .EINVAL : nil
    }

    /// `ftruncate()` of a memfd: EBADF for an fd that is not open, EINVAL for one that is no memfd.
    func ftruncate(fd: UInt32, length: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let m = topology.memfd(fd: fd) else { throw isOpenFile(fd, s) || openDmabuf(fd: fd, s) != nil ? .EINVAL : .EBADF }
        guard length <= UInt64(Int64.max) else { throw .EINVAL }
        let declared = topology.memfds.map(\.size)
        var sizes = s.fileSizes.isEmpty ? declared : s.fileSizes
        sizes[m] = length
        // One representation per state: no list while every memfd has its declared size.
        s.fileSizes = sizes == declared ? [] : sizes
        return .ok
    }

    /// `IOMMU_IOAS_CHANGE_PROCESS`: EOPNOTSUPP for reserved bits; EINVAL while any IOAS maps user
    /// memory (only file and dma-buf pages can change hands); then the caller pays.
    func changeProcess(reserved: UInt32, process: UInt8, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard reserved == 0 else { throw .EOPNOTSUPP }
        guard process <= Self.maxProcess else { throw .EINVAL }
        for o in s.objects {
            guard case .ioas(let x) = o.body else { continue }
            if x.areas.contains(where: { $0.backing == .user }) { throw .EINVAL }
        }
        s.chargedProcess = process
        return .ok
    }

    /// The model's processes: 0 the VMM, 1…7 others (a model-level field; EINVAL past them).
    static let maxProcess: UInt8 = 7

    /// `PROCESS_EXIT process=N` (the selftest's forked child exits): only processes 1…7 (the VMM
    /// holds the fd), once. Its pages already pinned stay pinned; the rest can never be.
    func processExit(_ process: UInt8, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard process != 0, process <= Self.maxProcess, s.exitedProcesses & (1 << process) == 0 else { throw .EINVAL }
        s.exitedProcesses |= 1 << process
        return .ok
    }

    /// `IOMMU_TEST_OP_DMABUF_GET`: the length rounded up to pages, 0 or above 512 pages EINVAL; the
    /// lowest free slot (the model keeps at most 15: ENOMEM past them, its own budget).
    func dmabufGet(length: UInt64, openFlags: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard length != 0, length <= 512 * pageSize else { throw .EINVAL }
        let size = (length + pageSize - 1) / pageSize * pageSize
        let slot = s.dmabufs.indices.first { !s.dmabufs[$0].fdOpen && !dmabufInUse(slot: $0, s) } ?? s.dmabufs.count
        guard slot < 15 else { throw .ENOMEM }
        let buf = DmaBuf(fd: DmaBuf.fd(slot: slot), size: size)
        if slot == s.dmabufs.count { s.dmabufs.append(buf) } else { s.dmabufs[slot] = buf }
        return Outcome(.ok, outputs: [OutputField("fd", .number(UInt64(buf.fd)))], principal: UInt64(buf.fd))
    }

    /// `IOMMU_TEST_OP_DMABUF_REVOKE`: `dma_buf_get` (EBADF, EINVAL for another kind of file), then
    /// revoke — every area of the buffer leaves every domain and stays revoked
    /// (`iopt_revoke_notify`) — or let it be mapped again (areas already revoked stay so [M]).
    func dmabufRevoke(fd: UInt32, revoked: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let slot = openDmabuf(fd: fd, s) else {
            throw isOpenFile(fd, s) || topology.memfd(fd: fd) != nil ? .EINVAL : .EBADF
        }
        s.dmabufs[slot].revoked = revoked != 0
        guard revoked != 0 else { return .ok }
        for o in s.objects {
            guard case .ioas(let x) = o.body else { continue }
            for (i, area) in x.areas.enumerated() where area.backing == .dmabuf(UInt8(slot)) && !area.revoked {
                unlay(area, from: o.id, &s)
                s.updateIOAS(o.id) { $0.areas[i].revoked = true }
            }
        }
        return .ok
    }

    /// `close()` of a dma-buf's fd: its areas keep the buffer; without any, its slot is free.
    func dmabufClose(fd: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let slot = openDmabuf(fd: fd, s) else { throw .EBADF }
        s.dmabufs[slot].fdOpen = false
        tidyDmabufs(&s)
        return .ok
    }

    func dmabufInUse(slot: Int, _ s: IOMMUFDState) -> Bool {
        s.objects.contains { o in
            guard case .ioas(let x) = o.body else { return false }
            return x.areas.contains { $0.backing == .dmabuf(UInt8(slot)) }
        }
    }

    /// Frees the slots of closed buffers nothing maps, so that a state has one form: a free slot
    /// is blank, and free slots at the end go.
    func tidyDmabufs(_ s: inout IOMMUFDState) {
        guard !s.dmabufs.isEmpty else { return }
        for i in s.dmabufs.indices where !s.dmabufs[i].fdOpen && !dmabufInUse(slot: i, s) {
            var blank = DmaBuf(fd: 0, size: 0)
            blank.fdOpen = false
            s.dmabufs[i] = blank
        }
        while let last = s.dmabufs.last, !last.fdOpen, last.size == 0 { s.dmabufs.removeLast() }
    }

    /// `IOMMU_TEST_OP_MD_CHECK_DMABUF`: the mock domain maps the range onto the buffer from `offset`.
    func checkMockDmabuf(hwptID: UInt32, fd: UInt32, iova: UInt64, length: UInt64, offset: UInt64, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        guard let slot = openDmabuf(fd: fd, s) else { throw .EBADF }
        guard let r = IOVARange(start: offset, length: max(length, 1)), r.last < s.dmabufs[slot].size else { throw .EINVAL }
        return try checkMockMap(hwptID: hwptID, iova: iova, length: length, uptr: DmaBuf.base(slot) + offset, s)
    }
}
