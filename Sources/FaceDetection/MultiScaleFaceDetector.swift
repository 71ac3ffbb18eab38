// Faces of every size in a whole image. MediaPipe's short-range model sees the whole image shrunk to 128×128,
// so it finds faces of about a sixth of the image side and more; its full-range model (192×192) finds smaller
// ones, down to a few percent of the side. A 40-px face in a 640×360 frame is 6% of the side: at the edge of
// what the full-range model finds on the whole frame (29% of 32–40 px faces, 56% of 40–48 px ones, on the
// synthetic clips of docs/performance.md). So the image is searched at two scales:
//   1. short range on the whole image — MediaPipe's own detections, kept exactly as MediaPipe reports them;
//   2. full range on overlapping square tiles, each shrunk less than the whole image — adds the faces pass 1
//      missed, small ones included (84% of 40–48 px faces); an image too small to need tiles gets the full-range
//      model once over the whole of it instead.
// A later pass only adds a face that no earlier face covers (overlap above the NMS threshold, or its centre
// inside an earlier box), so faces MediaPipe finds keep MediaPipe's box, keypoints and score.
import Imaging

/// BlazeFace short and full range composed over scales and tiles (see the file comment).
public final class MultiScaleFaceDetector: Sendable {
    /// Which scales run and how the tiles are laid out.
    public struct Options: Sendable, Equatable {
        /// Smallest face (box width, image pixels) the tiles are sized to find.
        public var minFacePixels: Float
        /// Face width in the full-range model's input (pixels of its 192×192 tensor) at which it finds faces
        /// reliably; tiles are made small enough that `minFacePixels` maps to at least this.
        public var fullRangeReliableFace: Float
        /// Tiles overlap by this fraction of their side, so that a face up to that size lies wholly in one.
        public var tileOverlap: Float
        /// At most this many tiles per image (larger images get larger tiles, and a larger smallest face).
        public var maxTiles: Int
        /// Also run the full-range model on the whole image when it is tiled (when it is not, it always runs).
        public var wholeImageFullRange: Bool
        /// Faces found on tiles must score at least this (a magnified region makes hands and textures look
        /// more like faces than the whole image does: on celeba-dev, 0.7 instead of the model's 0.6 keeps 8 of
        /// 14 faces MediaPipe does not report, 6 of them real faces, and drops 5 hands, hair and cloth).
        public var tileMinScore: Float

        public init(minFacePixels: Float = 40, fullRangeReliableFace: Float = 20, tileOverlap: Float = 0.25,
                    maxTiles: Int = 12, wholeImageFullRange: Bool = false, tileMinScore: Float = 0.7) {
            self.minFacePixels = minFacePixels
            self.fullRangeReliableFace = fullRangeReliableFace
            self.tileOverlap = tileOverlap
            self.maxTiles = maxTiles
            self.wholeImageFullRange = wholeImageFullRange
            self.tileMinScore = tileMinScore
        }
    }

    public let short: BlazeFaceDetector
    public let full: BlazeFaceDetector
    public let options: Options

    /// Composes a short-range and a full-range detector (each used one call at a time; see `BlazeFaceDetector`).
    public init(short: BlazeFaceDetector, full: BlazeFaceDetector, options: Options = Options()) {
        precondition(short.model == .short && full.model == .full, "short and full range detectors expected")
        self.short = short
        self.full = full
        self.options = options
    }

    /// Faces in `image`, in the image's pixels: the short-range model's first (best first), then the faces the
    /// other passes added (each pass best first).
    public func detect(_ image: Image) -> [DetectedFace] {
        var faces = short.detect(image)
        let tiles = Self.tiles(width: image.width, height: image.height, options: options)
        if tiles.isEmpty || options.wholeImageFullRange { add(full.detect(image), to: &faces) }
        var tiled = [DetectedFace]()
        for tile in tiles {
            // A face cut by a tile edge inside the image is found whole by a neighbouring tile (they overlap).
            let inner = tile.innerEdges(imageWidth: image.width, imageHeight: image.height)
            for face in full.detect(image, region: tile) where face.score >= options.tileMinScore && !inner.cuts(face.box) {
                tiled.append(face)
            }
        }
        // Tiles overlap: merge their faces best first before adding them.
        tiled.sort { $0.score > $1.score }
        add(tiled, to: &faces)
        return faces
    }

    /// Adds each of `candidates` that no face already in `faces` covers.
    func add(_ candidates: [DetectedFace], to faces: inout [DetectedFace]) {
        for candidate in candidates where !faces.contains(where: { Self.covers($0.box, candidate.box) }) {
            faces.append(candidate)
        }
    }

    /// Whether `kept` and `candidate` are the same face: they overlap more than the NMS threshold, or one's
    /// centre lies inside the other.
    static func covers(_ kept: Rect, _ candidate: Rect) -> Bool {
        kept.iou(candidate) > BlazeFaceDetector.nmsThreshold || kept.contains(candidate.center) || candidate.contains(kept.center)
    }

    /// The square tiles for an image of this size: none when the whole-image passes already see
    /// `minFacePixels` at the full-range model's reliable size.
    public static func tiles(width: Int, height: Int, options: Options) -> [Letterbox] {
        let long = Float(max(width, height)), shortSide = Float(min(width, height))
        let input = Float(BlazeFaceModel.full.inputSize)
        // Tile side at which the smallest face maps to the reliable size; never smaller than an input tensor.
        var side = min(shortSide, max(input, input * options.minFacePixels / options.fullRangeReliableFace))
        guard long * options.fullRangeReliableFace / input > options.minFacePixels else { return [] }
        func counts(_ side: Float) -> (Int, Int) {
            let step = side * (1 - options.tileOverlap)
            let nx = Float(width) <= side ? 1 : Int(((Float(width) - side) / step).rounded(.up)) + 1
            let ny = Float(height) <= side ? 1 : Int(((Float(height) - side) / step).rounded(.up)) + 1
            return (nx, ny)
        }
        var (nx, ny) = counts(side)
        while nx * ny > max(1, options.maxTiles), side < long {
            side = min(long, side * 1.25)
            (nx, ny) = counts(side)
        }
        if nx * ny <= 1 { return [] }   // one tile would be the whole image
        func origins(_ count: Int, _ extent: Float) -> [Float] {
            guard count > 1 else { return [(extent - side) / 2] }
            let step = (extent - side) / Float(count - 1)
            return (0 ..< count).map { (Float($0) * step).rounded(.down) }
        }
        var out = [Letterbox]()
        for y in origins(ny, Float(height)) {
            for x in origins(nx, Float(width)) {
                out.append(Letterbox(left: x, top: y, side: side, imageWidth: width, imageHeight: height))
            }
        }
        return out
    }
}

extension Letterbox {
    /// The edges of this tile that lie inside the image (where a face can be cut off).
    func innerEdges(imageWidth: Int, imageHeight: Int) -> TileEdges {
        TileEdges(left: left > 0 ? left : nil, top: top > 0 ? top : nil,
                  right: left + side < Float(imageWidth) ? left + side : nil,
                  bottom: top + side < Float(imageHeight) ? top + side : nil)
    }
}

/// A tile's edges inside the image (nil: the edge is the image's own).
struct TileEdges {
    var left: Float?
    var top: Float?
    var right: Float?
    var bottom: Float?

    /// Whether `box` reaches an inner edge (within 2% of the box size): the face may be cut off there.
    func cuts(_ box: Rect) -> Bool {
        let slack = 0.02 * max(box.width, box.height)
        if let left, box.x <= left + slack { return true }
        if let top, box.y <= top + slack { return true }
        if let right, box.x + box.width >= right - slack { return true }
        if let bottom, box.y + box.height >= bottom - slack { return true }
        return false
    }
}

extension Rect {
    /// Whether `p` lies inside (edges included).
    func contains(_ p: Point) -> Bool { p.x >= x && p.x <= x + width && p.y >= y && p.y <= y + height }
}
