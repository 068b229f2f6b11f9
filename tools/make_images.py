"""Draw the image fixtures of the upload and browser exercises (deterministic output).

Needs Pillow, which the grader itself does not: `pip install --target /tmp/pil pillow`, then
`PYTHONPATH=/tmp/pil python3 tools/make_images.py`. Writes image.jpg for tcp_upload and http_image.
The picture is drawn here, so it is ours to license: CC0.
"""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent


def picture() -> Image.Image:
    width, height = 480, 320
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            pixels[x, y] = (40 + x * 180 // width, 90 + y * 120 // height, 200 - x * 120 // width)
    draw = ImageDraw.Draw(image)
    draw.ellipse((300, 40, 420, 160), fill=(255, 210, 60))
    draw.polygon([(0, 320), (160, 150), (300, 320)], fill=(40, 110, 60))
    draw.polygon([(180, 320), (340, 170), (480, 320)], fill=(30, 90, 50))
    draw.text((16, 16), "netgrader ## test image", fill=(255, 255, 255))
    return image


if __name__ == "__main__":
    for exercise in ("tcp_upload", "http_image"):
        target = ROOT / "exercises" / exercise / "image.jpg"
        picture().save(target, "JPEG", quality=85, optimize=True)
        print(target, target.stat().st_size, "bytes")
