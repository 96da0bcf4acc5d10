"""The osteoporosis drug catalogue (DOMAIN.md R16's table, R11's course rules, §7) and its idempotent loader.

`load_catalogue()` creates the drugs and regimens that are missing (matched on slug) and never overwrites one that
exists, so edits made in the admin survive `migrate`, `load_reference_data` and tests that call it again.
"""

from dataclasses import dataclass

ANTI_RESORPTIVE, ANABOLIC = "anti_resorptive", "anabolic"
BISPHOSPHONATE, RANKL, SERM, PTH, SCLEROSTIN, UNSPECIFIED = (
    "bisphosphonate",
    "rankl_inhibitor",
    "serm",
    "pth_analogue",
    "sclerostin_inhibitor",
    "unspecified",
)
ORAL, IV, SC = "oral", "iv", "sc"
UNSPECIFIED_DRUG = "unspecified"


@dataclass(frozen=True)
class CatalogueRegimen:
    slug: str
    route: str
    schedule: str | None  # None: not recorded, so no doses are expected
    dose_label: str
    clinic_given: bool = False


@dataclass(frozen=True)
class CatalogueDrug:
    slug: str
    name: str
    drug_class: str
    family: str
    regimens: tuple[CatalogueRegimen, ...]
    max_doses: int | None = None
    lifetime_group: str = ""
    review_after_years_oral: int | None = None
    review_after_years_iv: int | None = None
    upright_minutes: int | None = None


CATALOGUE: tuple[CatalogueDrug, ...] = (
    CatalogueDrug(
        "alendronate",
        "Alendronate",
        ANTI_RESORPTIVE,
        BISPHOSPHONATE,
        (
            CatalogueRegimen("alendronate-70mg-weekly", ORAL, "weekly", "70 mg weekly"),
            CatalogueRegimen("alendronate-10mg-daily", ORAL, "daily", "10 mg daily"),
        ),
        review_after_years_oral=5,
        review_after_years_iv=3,
        upright_minutes=30,
    ),
    CatalogueDrug(
        "risedronate",
        "Risedronate",
        ANTI_RESORPTIVE,
        BISPHOSPHONATE,
        (
            CatalogueRegimen("risedronate-35mg-weekly", ORAL, "weekly", "35 mg weekly"),
            CatalogueRegimen("risedronate-150mg-monthly", ORAL, "monthly", "150 mg monthly"),
        ),
        review_after_years_oral=5,
        review_after_years_iv=3,
        upright_minutes=30,
    ),
    CatalogueDrug(
        "ibandronate",
        "Ibandronate",
        ANTI_RESORPTIVE,
        BISPHOSPHONATE,
        (
            CatalogueRegimen("ibandronate-150mg-monthly", ORAL, "monthly", "150 mg monthly"),
            CatalogueRegimen("ibandronate-3mg-iv-3-monthly", IV, "every_3_months", "3 mg IV every 3 months", clinic_given=True),
        ),
        review_after_years_oral=5,
        review_after_years_iv=3,
        upright_minutes=60,
    ),
    CatalogueDrug(
        "zoledronic-acid",
        "Zoledronic acid",
        ANTI_RESORPTIVE,
        BISPHOSPHONATE,
        (CatalogueRegimen("zoledronic-acid-5mg-iv-yearly", IV, "yearly", "5 mg IV yearly", clinic_given=True),),
        review_after_years_oral=5,
        review_after_years_iv=3,
    ),
    CatalogueDrug(
        "denosumab",
        "Denosumab",
        ANTI_RESORPTIVE,
        RANKL,
        (CatalogueRegimen("denosumab-60mg-6-monthly", SC, "every_6_months", "60 mg every 6 months", clinic_given=True),),
    ),
    CatalogueDrug(
        "raloxifene",
        "Raloxifene",
        ANTI_RESORPTIVE,
        SERM,
        (CatalogueRegimen("raloxifene-60mg-daily", ORAL, "daily", "60 mg daily"),),
    ),
    CatalogueDrug(
        "teriparatide",
        "Teriparatide",
        ANABOLIC,
        PTH,
        (CatalogueRegimen("teriparatide-20mcg-daily", SC, "daily", "20 mcg daily"),),
        lifetime_group="pth",
    ),
    CatalogueDrug(
        "abaloparatide",
        "Abaloparatide",
        ANABOLIC,
        PTH,
        (CatalogueRegimen("abaloparatide-80mcg-daily", SC, "daily", "80 mcg daily"),),
        lifetime_group="pth",
    ),
    CatalogueDrug(
        "romosozumab",
        "Romosozumab",
        ANABOLIC,
        SCLEROSTIN,
        (CatalogueRegimen("romosozumab-210mg-monthly", SC, "monthly", "210 mg monthly", clinic_given=True),),
        max_doses=12,
    ),
    CatalogueDrug(
        UNSPECIFIED_DRUG,
        "Osteoporosis medication (unspecified)",
        ANTI_RESORPTIVE,
        UNSPECIFIED,
        (CatalogueRegimen("unspecified", ORAL, None, "Dose and schedule not recorded"),),
    ),
)


def load_catalogue(drug_model=None, regimen_model=None) -> tuple[int, int]:
    """Create the missing drugs and regimens (by slug); return (created, already present). Never overwrites edits."""
    if drug_model is None or regimen_model is None:
        from .models import Drug as drug_model
        from .models import Regimen as regimen_model
    existing_drugs = set(drug_model.objects.values_list("slug", flat=True))
    drug_model.objects.bulk_create(
        drug_model(
            slug=drug.slug,
            name=drug.name,
            drug_class=drug.drug_class,
            family=drug.family,
            max_doses=drug.max_doses,
            lifetime_group=drug.lifetime_group,
            review_after_years_oral=drug.review_after_years_oral,
            review_after_years_iv=drug.review_after_years_iv,
            upright_minutes=drug.upright_minutes,
            position=position,
        )
        for position, drug in enumerate(CATALOGUE, start=1)
        if drug.slug not in existing_drugs
    )
    drugs = dict(drug_model.objects.values_list("slug", "pk"))
    existing_regimens = set(regimen_model.objects.values_list("slug", flat=True))
    missing_regimens = [
        regimen_model(
            slug=regimen.slug,
            drug_id=drugs[drug.slug],
            route=regimen.route,
            schedule=regimen.schedule,
            dose_label=regimen.dose_label,
            clinic_given=regimen.clinic_given,
            position=position,
        )
        for drug in CATALOGUE
        for position, regimen in enumerate(drug.regimens, start=1)
        if regimen.slug not in existing_regimens
    ]
    regimen_model.objects.bulk_create(missing_regimens)
    total = len(CATALOGUE) + sum(len(drug.regimens) for drug in CATALOGUE)
    created = len(CATALOGUE) - len(existing_drugs & {d.slug for d in CATALOGUE}) + len(missing_regimens)
    return created, total - created
