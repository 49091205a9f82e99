/// The actions enabled in one state, kept as a sequence of families so that a state with a great
/// many of them (a product of wide bounds) never holds them all at once: a *listed* family is
/// actions appended one by one; a *generated* family is a count and a function from an index to
/// the action, produced only when the explorer reaches that position. Positions run through the
/// families in order; an action's position is what a trace records.
public struct ActionFamilies<Action> {
    @usableFromInline enum Family {
        /// `listed[start..<end]`.
        case listed(start: Int, end: Int)
        case generated(count: Int, make: (Int) -> Action)
    }

    @usableFromInline var listed: [Action] = []
    @usableFromInline var families: [Family] = []
    @usableFromInline var total = 0
    /// How many actions in all.
    @inlinable public var count: Int { total }

    public init() {}

    /// A listed family holding `actions`.
    public init(_ actions: [Action]) {
        listed = actions
        if !actions.isEmpty { families = [.listed(start: 0, end: actions.count)] }
        total = actions.count
    }

    /// Appends one action (to the listed family at the end, or a new one).
    @inlinable public mutating func append(_ action: Action) {
        listed.append(action)
        total += 1
        if case .listed(let start, let end)? = families.last, end == listed.count - 1 {
            families[families.count - 1] = .listed(start: start, end: end + 1)
        } else {
            families.append(.listed(start: listed.count - 1, end: listed.count))
        }
    }

    @inlinable public mutating func append(contentsOf actions: [Action]) {
        appendListed { $0.append(contentsOf: actions) }
    }

    /// Appends the actions `fill` appends to the array it is given (the listed actions' own
    /// storage: nothing is copied or allocated per state).
    @inlinable public mutating func appendListed(_ fill: (inout [Action]) -> Void) {
        let start = listed.count
        fill(&listed)
        let n = listed.count - start
        guard n > 0 else { return }
        total += n
        if case .listed(let s, let e)? = families.last, e == start {
            families[families.count - 1] = .listed(start: s, end: e + n)
        } else {
            families.append(.listed(start: start, end: start + n))
        }
    }

    /// Appends `count` actions made on demand: `make(i)` is the action at the family's index `i`.
    public mutating func append(count n: Int, _ make: @escaping (Int) -> Action) {
        guard n > 0 else { return }
        families.append(.generated(count: n, make: make))
        total += n
    }

    /// Appends the actions at indices `(i, j)` of an `a` × `b` grid, row by row.
    public mutating func append(_ a: Int, by b: Int, _ make: @escaping (Int, Int) -> Action) {
        let (n, overflow) = a.multipliedReportingOverflow(by: b)
        precondition(!overflow, "an action family of \(a) × \(b) actions")
        append(count: n) { make($0 / b, $0 % b) }
    }

    public mutating func removeAll() {
        listed.removeAll(keepingCapacity: true)
        families.removeAll(keepingCapacity: true)
        total = 0
    }

    /// The action at `position` (0 ..< count).
    public subscript(position: Int) -> Action {
        var base = 0
        for f in families {
            switch f {
            case .listed(let start, let end):
                if position < base + end - start { return listed[start + position - base] }
                base += end - start
            case .generated(let n, let make):
                if position < base + n { return make(position - base) }
                base += n
            }
        }
        preconditionFailure("action position \(position) of \(count)")
    }

    /// Calls `body(position, action)` for the positions `start ..< min(start + limit, count)` in
    /// order, producing only those actions; returns the position after the last one.
    @inlinable @discardableResult
    public func forEach(from start: Int, limit: Int, _ body: (Int, Action) -> Void) -> Int {
        let end = min(count, start + limit)
        var base = 0, position = start
        for f in families where position < end {
            switch f {
            case .listed(let s, let e):
                let n = e - s
                while position < end, position < base + n { body(position, listed[s + position - base]); position += 1 }
                base += n
            case .generated(let n, let make):
                while position < end, position < base + n { body(position, make(position - base)); position += 1 }
                base += n
            }
        }
        return end
    }

    /// Produces the actions from `position` on, one by one, in order.
    @inlinable public func iterator(from position: Int) -> Iterator { Iterator(self, from: position) }

    public struct Iterator: IteratorProtocol {
        @usableFromInline let owner: ActionFamilies
        @usableFromInline var family = 0, index = 0

        /// Starts at `position`: the family holding it, and the index inside that family.
        @inlinable init(_ owner: ActionFamilies, from position: Int) {
            self.owner = owner
            var rest = position
            while family < owner.families.count {
                let n = owner.size(of: family)
                if rest < n { break }
                rest -= n
                family += 1
            }
            index = rest
        }

        @inlinable public mutating func next() -> Action? {
            while family < owner.families.count {
                switch owner.families[family] {
                case .listed(let s, let e):
                    if s + index < e { defer { index += 1 }; return owner.listed[s + index] }
                case .generated(let n, let make):
                    if index < n { defer { index += 1 }; return make(index) }
                }
                family += 1
                index = 0
            }
            return nil
        }
    }

    @inlinable func size(of family: Int) -> Int {
        switch families[family] {
        case .listed(let s, let e): return e - s
        case .generated(let n, _): return n
        }
    }

    /// Every action, listed (for tests and small models).
    public var all: [Action] {
        var out: [Action] = []
        out.reserveCapacity(count)
        forEach(from: 0, limit: count) { out.append($1) }
        return out
    }
}
