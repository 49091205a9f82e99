import Synchronization

extension BreadthFirstSearch {
    /// Successors gathered before their visited-set slots are read: enough loads in flight to
    /// hide most of the memory latency, few enough to stay in the caches.
    @inlinable static var batchSuccessors: Int { 512 }
    /// Actions of one state produced, and their successors computed, between two looks at the
    /// limits and the pause flag (see `expandInBatches`).
    @inlinable static var batchActions: Int { 1024 }

    /// One worker's part of a round: takes pieces of the level, expands their states in small
    /// batches, inserts the successors into the shared visited set and keeps the new ones in `out`.
    ///
    /// A batch computes every successor and fingerprint first, then reads all their slots in one
    /// tight loop (the table is far larger than the caches, so those loads should overlap), then
    /// inserts them in order — the same order as one state at a time.
    @inlinable
    func work(_ round: LevelRound, _ context: LevelContext<M>, _ out: LevelOutput<M.State>, model: M,
              invariants: [Property<M.State>], goals: [Property<M.State>], reportsProgress: Bool) {
        let table = context.table.view
        // A lone worker shares buffers with nobody: the copy would be pure cost.
        let privateCopies = workers > 1
        var budget = 0
        var actions: [M.Action] = []
        var families = ActionFamilies<M.Action>()
        // Two batches: one is gathered and its slots read while the other waits to be inserted,
        // so the reads of one batch have the time of a whole batch to arrive.
        var gathering = SuccessorBatch<M.State>()
        var pending = SuccessorBatch<M.State>()
        defer {
            gathering.deallocate()
            pending.deallocate()
        }
        var goalSeen = [Bool](repeating: false, count: goals.count)
        for goal in out.goals { goalSeen[goal.goal] = true }
        var sink: UInt64 = 0
        // Progress is timed, not counted: a round may be short (a nearly full table) or one state
        // may take seconds, and SPEC asks for a line at least every 5 s.
        var lastReport = ContinuousClock().now
        // The output is taken into locals for the loop: every write to a class's stored property
        // is a dynamic exclusivity check, which costs more than the rest of a transition.
        var states: [M.State] = [], parents: [UInt32] = [], links: [UInt32] = []
        // The model's words for one state, packed into `packed` (written) or read from the level.
        var words: [UInt64] = []
        let packed = out.packed
        let encodes = model.encodesStates
        swap(&states, &out.states)
        swap(&parents, &out.parents)
        swap(&links, &out.actions)
        var transitions = out.transitions, maxActions = out.maxActions, inserted = 0, selfLoops = out.selfLoops
        // Sleep sets: whether this level prunes with them, and whether its new states carry theirs
        // (the last level's are never expanded). `sleeping` is the expanded state's set.
        let sleeps = context.sleepSets, carriesSleep = context.sleepSets && context.enqueue
        var sleeping: [UInt64] = [], sleepy: [(fingerprint: UInt64, index: Int)] = [], duplicates: [UInt64] = []
        var pruned = 0
        var sleepScratch = SleepScratch<M.Action>()
        swap(&sleepy, &out.sleepy)
        swap(&duplicates, &out.duplicates)
        let roomForStates = context.maxStates - context.table.count
        defer {
            swap(&states, &out.states)
            swap(&parents, &out.parents)
            swap(&links, &out.actions)
            out.transitions = transitions
            out.selfLoops = selfLoops
            out.pruned += pruned
            swap(&sleepy, &out.sleepy)
            swap(&duplicates, &out.duplicates)
            out.maxActions = maxActions
            out.inserted += inserted
            out.newStates += inserted
            out.sink ^= sink
        }

        /// Inserts a gathered batch in order; false when the search must stop.
        func insert(_ batch: SuccessorBatch<M.State>) -> Bool {
            var k = 0
            for (parent, end) in batch.parents {
                while k < end {
                    defer { k += 1 }
                    guard table.insert(batch.fingerprints[k]) else {
                        if carriesSleep { duplicates.append(batch.fingerprints[k]) }
                        continue
                    }
                    inserted += 1
                    let position = batch.positions[k]
                    let next = batch.successors[k]
                    let best = context.bestViolation.load(ordering: .relaxed)
                    if let p = model.firstFailingInvariant(next, limit: min(best, invariants.count), of: invariants) {
                        out.violations.append((p, batch.fingerprints[k], parent, position))
                        context.lowerBestViolation(to: p)
                        // Nothing can beat the first invariant: the level need not finish.
                        if p == 0 { context.halt(round) }
                    }
                    for g in context.pendingGoals where !goalSeen[g] && goals[g].holds(next) {
                        goalSeen[g] = true
                        out.goals.append((g, parent, position))
                    }
                    if context.enqueue {
                        parents.append(parent)
                        links.append(position)
                        if encodes {
                            words.removeAll(keepingCapacity: true)
                            model.encode(next, into: &words)
                            if carriesSleep {
                                let set = batch.sleepSet(k)
                                if !set.isEmpty { sleepy.append((batch.fingerprints[k], packed.count)) }
                                SleepSet.append(set, to: &words)
                            }
                            words.withUnsafeBufferPointer { packed.append($0) }
                        } else {
                            states.append(next)
                        }
                    }
                    // Exact with one worker; with several, each sees only its own inserts of this round.
                    if inserted >= roomForStates {
                        context.stop("--max-states \(context.maxStates) reached", round)
                        return false
                    }
                }
            }
            return true
        }

        /// Why the search must stop now, if it must; on the reporting worker, a progress line when
        /// a second has passed since the last.
        func poll(queue: Int) -> String? {
            let clock = ContinuousClock()
            if reportsProgress, let onProgress = context.onProgress {
                let now = clock.now
                if now - lastReport >= .seconds(1) {
                    lastReport = now
                    onProgress(Progress(distinctStates: context.table.count + inserted, queue: queue,
                                        depth: context.depth + 1, seconds: (now - context.start).inSeconds))
                }
            }
            return context.limits.stopReason(since: context.start, clock)
        }

        /// Expands a state whose actions are many or generated, `batchActions` at a time: between two
        /// batches the limits and the pause flag are looked at, and a full batch of successors is
        /// inserted. On `.handBack` the successors gathered so far are kept and the state is expanded
        /// again from its first action next round (what is known already is not added twice).
        func expandInBatches(_ state: M.State, _ i: Int) -> BatchedExpansion {
            let count = families.count
            guard count <= Int(UInt32.max) else {
                context.stop("a state with \(count) actions, more than a trace can record", round)
                return .stop
            }
            let id = context.firstID &+ UInt32(truncatingIfNeeded: i)
            let own = model.fingerprint(of: state)
            var scratch = state
            var produced = families.iterator(from: 0)
            var position = 0
            while position < count {
                let n = min(Self.batchActions, count - position)
                guard round.reserve(n, local: &budget) else {
                    if position > 0 { gathering.endParent(id) }
                    return .handBack
                }
                let before = transitions
                transitions += n
                if before >> 10 != transitions >> 10, let reason = poll(queue: context.level.count - i) {
                    context.stop(reason, round)
                    return .stop
                }
                for p in position..<(position + n) {
                    guard let action = produced.next() else { break }
                    let next: M.State
                    switch model.advance(&scratch, from: state, by: action) {
                    case .disabled: continue
                    case .unchanged: selfLoops += 1; continue
                    case .changed(let changed): next = changed
                    }
                    let fingerprint = model.fingerprint(of: next)
                    if fingerprint == own {
                        selfLoops += 1
                        continue
                    }
                    gathering.append(next, fingerprint: fingerprint, position: p)
                    if carriesSleep { gathering.closeSleep() }
                }
                position += n
                if position < count, gathering.count >= Self.batchSuccessors {
                    gathering.endParent(id)
                    sink ^= gathering.touch(table)
                    guard insert(pending) else { return .stop }
                    swap(&gathering, &pending)
                    gathering.removeAll()
                    if round.pause.load(ordering: .relaxed) { return .handBack }
                }
            }
            gathering.endParent(id)
            return .expanded
        }

        /// Expands a state with sleep set `sleeping`: an action named in it is not taken; the
        /// successor of an action taken carries, as its own sleep set, the actions that commute
        /// with that action here among those asleep here and those taken before it.
        func expandSleeping(_ state: M.State, _ i: Int) -> BatchedExpansion {
            families.removeAll()
            model.actions(of: state, into: &families)
            let count = families.count
            maxActions = max(maxActions, count)
            // A state with very many actions is expanded in bounded batches, without sleep sets.
            guard count <= Self.batchActions * 16 else { return expandInBatches(state, i) }
            guard round.reserve(count, local: &budget) else { return .handBack }
            sleepScratch.start(families, sleeping: sleeping, model: model, state: state, candidates: carriesSleep)
            let id = context.firstID &+ UInt32(truncatingIfNeeded: i)
            let own = model.fingerprint(of: state)
            var scratch = state
            var taken = 0
            for p in 0..<count where !sleepScratch.asleep[p] {
                taken += 1
                if taken & 1023 == 0, let reason = poll(queue: context.level.count - i) {
                    context.stop(reason, round)
                    return .stop
                }
                let action = sleepScratch.actions[p]
                var changes = true
                switch model.advance(&scratch, from: state, by: action) {
                case .disabled:
                    changes = false
                case .unchanged:
                    selfLoops += 1
                    changes = false
                case .changed(let next):
                    let fingerprint = model.fingerprint(of: next)
                    if fingerprint == own {
                        selfLoops += 1
                        break
                    }
                    gathering.append(next, fingerprint: fingerprint, position: p)
                    if carriesSleep { sleepScratch.sleepSet(after: p, into: &gathering, model: model, state: state) }
                    if gathering.count >= Self.batchSuccessors {
                        gathering.endParent(id)
                        sink ^= gathering.touch(table)
                        guard insert(pending) else { return .stop }
                        swap(&gathering, &pending)
                        gathering.removeAll()
                    }
                }
                if carriesSleep { sleepScratch.taken(p, changes: changes, model: model, state: state) }
            }
            transitions += taken
            pruned += count - taken
            gathering.endParent(id)
            return .expanded
        }

        pieces: while !round.pause.load(ordering: .relaxed), let piece = round.claim() {
            var i = piece.lowerBound
            while i < piece.upperBound {
                // Gather a batch; stop gathering (but insert what was gathered) when told to pause.
                gathering.removeAll()
                var handBack = false
                states: while i < piece.upperBound && gathering.count < Self.batchSuccessors {
                    if round.pause.load(ordering: .relaxed) { handBack = true; break }
                    // An encoded state is read back into buffers of this worker's own.
                    let state: M.State
                    sleeping.removeAll(keepingCapacity: true)
                    if context.level.unpack(i, into: &words) {
                        let stateWords = sleeps ? SleepSet.split(&words, into: &sleeping, void: context.sleepIsVoid(i)) : words.count
                        guard let decoded = words.withUnsafeBufferPointer({ model.decode(UnsafeBufferPointer(rebasing: $0[..<stateWords])) }) else {
                            preconditionFailure("a model that encodes its states must decode them")
                        }
                        state = decoded
                    } else {
                        state = privateCopies ? model.unshared(context.level.values[i]) : context.level.values[i]
                    }
                    if sleeps {
                        switch expandSleeping(state, i) {
                        case .expanded: i += 1; continue
                        case .handBack: handBack = true; break states
                        case .stop: return
                        }
                    }
                    if M.producesActionFamilies {
                        families.removeAll()
                        model.actions(of: state, into: &families)
                        guard families.count <= Self.batchActions, families.listed.count == families.count else {
                            // Rare: too many actions, or generated ones. Produced in bounded batches.
                            maxActions = max(maxActions, families.count)
                            switch expandInBatches(state, i) {
                            case .expanded: i += 1; continue
                            case .handBack: handBack = true; break states
                            case .stop: return
                            }
                        }
                        actions.removeAll(keepingCapacity: true)
                        swap(&actions, &families.listed)
                    } else {
                        actions.removeAll(keepingCapacity: true)
                        model.actions(of: state, into: &actions)
                    }
                    maxActions = max(maxActions, actions.count)
                    guard round.reserve(actions.count, local: &budget) else { handBack = true; break }
                    let before = transitions
                    transitions += actions.count
                    // Limits are polled every ~1024 transitions, so one huge level cannot outlast them.
                    if before >> 10 != transitions >> 10, let reason = poll(queue: context.level.count - i) {
                        context.stop(reason, round)
                        return
                    }
                    // A step that leaves the state as it was (most failing operations) is counted and
                    // dropped here: its state is the parent, already visited.
                    let own = model.fingerprint(of: state)
                    var scratch = state
                    for (position, action) in actions.enumerated() {
                        let next: M.State
                        switch model.advance(&scratch, from: state, by: action) {
                        case .disabled: continue
                        case .unchanged: selfLoops += 1; continue
                        case .changed(let changed): next = changed
                        }
                        let fingerprint = model.fingerprint(of: next)
                        if fingerprint == own {
                            selfLoops += 1
                            continue
                        }
                        gathering.append(next, fingerprint: fingerprint, position: position)
                    }
                    gathering.endParent(context.firstID &+ UInt32(truncatingIfNeeded: i))
                    i += 1
                }
                sink ^= gathering.touch(table)
                guard insert(pending) else { return }
                swap(&gathering, &pending)

                if handBack {
                    round.handBack(i..<piece.upperBound)
                    break pieces
                }
            }
        }
        _ = insert(pending)
    }
}

/// How `BreadthFirstSearch.work` ended the expansion of a state with many or generated actions.
@usableFromInline enum BatchedExpansion { case expanded, handBack, stop }
