import Foundation
import Testing
import TestSupport
@testable import FaceRecognition

/// The lattice of boxes dlib's HOG detector can report, checked against the boxes dlib itself reported.
@Suite struct HOGBoxLatticeTests {
    static func referenceBoxes() throws -> [DlibRectangle] {
        try SharedData.dlibSamples().map { sample in
            let b = sample.sample.hog_box_ltrb
            return DlibRectangle(left: b[0], top: b[1], right: b[2], bottom: b[3])
        }
    }

    @Test(.needsSharedRefs)
    func everyBoxDlibReportedIsALatticeBox() throws {
        let boxes = try Self.referenceBoxes()
        #expect(boxes.count == 50)
        for box in boxes {
            // A lattice point snaps onto itself, and some cell of some level produces it.
            #expect(HOGBoxLattice.nearest(to: box) == box)
            let produced = (0 ..< 12).contains { level in
                (-10 ..< 80).contains { column in
                    (-10 ..< 80).contains { row in HOGBoxLattice.box(column: column, row: row, level: level) == box }
                }
            }
            #expect(produced, "\(box) is not a lattice box")
        }
    }

    @Test(.needsSharedRefs)
    func nearbyEstimatesSnapBack() throws {
        for box in try Self.referenceBoxes() {
            for (dx, dy, grow) in [(2, -3, 0), (-3, 2, 4), (1, 1, -2), (4, 0, 2)] {
                let estimate = DlibRectangle(left: box.left + dx - grow, top: box.top + dy - grow,
                                             right: box.right + dx + grow, bottom: box.bottom + dy + grow)
                #expect(HOGBoxLattice.nearest(to: estimate) == box, "\(estimate) should snap to \(box)")
            }
        }
    }

    @Test func levelsAreSixFifthsApartAndCellsStepByTheLevelScale() {
        let a = HOGBoxLattice.box(column: 13, row: 14, level: 6)
        let b = HOGBoxLattice.box(column: 13, row: 14, level: 7)
        let next = HOGBoxLattice.box(column: 14, row: 14, level: 6)
        let ratio = Double(b.right - b.left) / Double(a.right - a.left)
        #expect(abs(ratio - 1.2) < 0.02)
        // One cell at level 6 is 8 · 1.2^6 / 2 ≈ 11.9 original pixels.
        #expect(next.left - a.left == 12)
        #expect(next.right - next.left == a.right - a.left)
    }
}
