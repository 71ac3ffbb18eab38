/// Euclidean distance between two embeddings of equal length (over the shorter if they differ).
public func euclideanDistance(_ a: [Float], _ b: [Float]) -> Float {
    var sum: Float = 0
    for i in 0 ..< min(a.count, b.count) {
        let d = a[i] - b[i]
        sum += d * d
    }
    return sum.squareRoot()
}

/// `v` scaled to unit Euclidean length (unchanged when it is all zeros).
public func l2Normalized(_ v: [Float]) -> [Float] {
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return norm > 0 ? v.map { $0 / norm } : v
}
