"""Plain words for USDA food names and household measures, as pure functions.

The full USDA description stays the record (it is what is stored and searched); these only change what is shown first.
"""

import re

# Comma-separated parts that add nothing a patient needs to pick the food.
FILLER_PARTS = frozenset({"fluid", "commercial", "commercially prepared", "prepared commercially", "ready-to-eat", "nfs"})
# Category words USDA puts first ("Nuts, almonds"): dropped when a more telling part follows.
CATEGORY_HEADS = {
    "nuts": "",
    "seeds": "",
    "fish": "",
    "beverages": "",
    "spices": "",
    "cereals ready-to-eat": "Cereal",
}
MILKFAT = re.compile(r"^(\d+(?:\.\d+)?)% milkfat$")
LOWER_FAT = frozenset({"reduced fat", "lowfat", "low fat"})
INCLUDES = re.compile(r"\s*\(includes [^)]*\)", re.IGNORECASE)
VITAMINS_A_AND_D = re.compile(r"\bvitamin A and vitamin D\b")
PARENTHESES = re.compile(r"\s*\(([^)]*)\)")


def short_name(description: str) -> str:
    """A shorter, readable food name: "Milk, 2%, with vitamins A and D" for the USDA 2% milk description.

    Conservative: only drops filler parts ("fluid", "commercial", "ready-to-eat", "NFS", "(includes …)"), leading
    category words ("Nuts", "Fish", "Beverages"), folds "reduced fat … 2% milkfat" into "2%" and "whole, 3.25%
    milkfat" into "whole", and says "with vitamins A and D" for "with added vitamin A and vitamin D".
    """
    parts = [part.strip() for part in INCLUDES.sub("", description).split(",") if part.strip()]
    if len(parts) > 1 and parts[0].lower() in CATEGORY_HEADS:
        replacement = CATEGORY_HEADS[parts[0].lower()]
        parts = [replacement, *parts[1:]] if replacement else [parts[1][:1].upper() + parts[1][1:], *parts[2:]]
    kept: list[str] = []
    for part in parts:
        lower = part.lower()
        if lower in FILLER_PARTS:
            continue
        milkfat = MILKFAT.match(lower)
        if milkfat and kept and kept[-1].lower() in LOWER_FAT:
            kept[-1] = f"{milkfat.group(1)}%"
            continue
        if milkfat and kept and kept[-1].lower() == "whole":
            continue
        part = part.replace("with added ", "with ").replace("without added ", "without ")
        kept.append(VITAMINS_A_AND_D.sub("vitamins A and D", part))
    return ", ".join(kept) or description


def plain_measure(measure: str) -> str:
    """A household measure without its size details: "small" for 'small (6" to 6-7/8" long)', "slice" for "slice (1 oz)"."""
    return PARENTHESES.sub("", measure).strip() or measure


def measure_details(measure: str) -> str:
    """The size details `plain_measure` leaves out ('6" to 6-7/8" long'), for a tooltip or a secondary line."""
    return "; ".join(PARENTHESES.findall(measure))
