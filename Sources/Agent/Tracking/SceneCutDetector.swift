// Camera cuts (an edited clip, a PTZ camera jumping to a preset): the whole picture changes from one frame to the
// next. Motion cannot follow a face across a cut — a different person standing where someone stood before would
// continue their track and inherit their name — so the tracker is told, and continues tracks across a cut by
// embedding only.
import Imaging

/// Tells whether a frame starts a new shot, from a coarse grid of mean grey levels compared with the previous
/// frame's. A person walking, an occluder or a lighting flicker changes a few cells; a cut changes most of them.
public struct SceneCutDetector: Sendable {
    /// Grid cells across and down.
    public var columns: Int
    public var rows: Int
    /// A cell changed when its mean grey level moved by more than this (0…255).
    public var cellChange: Float
    /// A cut when more than this fraction of the cells changed.
    public var changedFraction: Float
    private var previous: (width: Int, height: Int, grid: [Float])?

    public init(columns: Int = 16, rows: Int = 9, cellChange: Float = 24, changedFraction: Float = 0.5) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
        self.cellChange = cellChange
        self.changedFraction = changedFraction
    }

    /// Whether `image` starts a new shot (false for the first frame, and for a frame of another size, which starts
    /// the comparison again).
    public mutating func isCut(_ image: Image) -> Bool {
        let grid = Self.grid(image, columns: columns, rows: rows)
        defer { previous = (image.width, image.height, grid) }
        guard let previous, previous.width == image.width, previous.height == image.height else { return false }
        let changed = zip(previous.grid, grid).filter { abs($0 - $1) > cellChange }.count
        return Float(changed) > changedFraction * Float(grid.count)
    }

    /// Forgets the previous frame (the source restarted).
    public mutating func reset() {
        previous = nil
    }

    /// Mean grey level of each cell, row by row (every 4th pixel of every 4th row: enough for a mean, cheap at any
    /// size).
    static func grid(_ image: Image, columns: Int, rows: Int) -> [Float] {
        var sums = [Float](repeating: 0, count: columns * rows)
        var counts = [Float](repeating: 0, count: columns * rows)
        let channels = image.channels, step = 4
        image.pixels.withUnsafeBufferPointer { p in
            var y = 0
            while y < image.height {
                let row = min(rows - 1, y * rows / image.height) * columns
                var x = 0
                while x < image.width {
                    let o = (y * image.width + x) * channels
                    let grey = channels == 3 ? (Float(p[o]) + Float(p[o + 1]) + Float(p[o + 2])) / 3 : Float(p[o])
                    let cell = row + min(columns - 1, x * columns / image.width)
                    sums[cell] += grey
                    counts[cell] += 1
                    x += step
                }
                y += step
            }
        }
        return zip(sums, counts).map { $1 > 0 ? $0 / $1 : 0 }
    }
}
