import Primitives

/// Tube boxes: each box in the colour of its tube.
extension RGBImage {
  /// Draws `boxes` in the given order, each outlined and labelled with its ``ReviewBox/caption``
  /// (`#3 clap 0.91`) in its tube's colour (``Palette/colour(forTube:)``; a box without a tube id
  /// takes its class colour). Labels avoid each other, so the first boxes get the best places:
  /// pass them best tube first.
  public mutating func drawTubes(_ boxes: [ReviewBox], thickness: Int = 2) {
    var occupied: [LabelRectangle] = []
    for b in boxes {
      let colour = b.tube.map(Palette.colour(forTube:)) ?? Palette.colour(forClass: b.label)
      if let r = drawLabelledBox(
        b.box, text: b.caption, colour: colour, thickness: thickness, avoiding: occupied)
      {
        occupied.append(r)
      }
    }
  }
}
