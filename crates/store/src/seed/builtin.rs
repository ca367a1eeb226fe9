//! A small catalogue of common brands and models, used when no catalogue file is given, so that a
//! fresh development or embedded install has brands to pick from. Slugs follow the full
//! catalogue's conventions (lower case, `-` for spaces) so the UUIDs match when the full file is
//! loaded later. Years are production start/end where known; `None` means still in production or
//! unknown.

use super::catalog::{RawBrand, RawModel};

type ModelSpec = (&'static str, &'static str, Option<i32>, Option<i32>);

const BRANDS: &[(&str, &[ModelSpec])] = &[
    (
        "toyota",
        &[
            ("camry", "Camry", Some(1982), None),
            ("corolla", "Corolla", Some(1966), None),
            ("land-cruiser", "Land Cruiser", Some(1951), None),
            ("land-cruiser-prado", "Land Cruiser Prado", Some(1990), None),
            ("rav4", "RAV4", Some(1994), None),
            ("highlander", "Highlander", Some(2000), None),
        ],
    ),
    (
        "lexus",
        &[
            ("es", "ES", Some(1989), None),
            ("gx", "GX", Some(2002), None),
            ("lx", "LX", Some(1995), None),
            ("rx", "RX", Some(1998), None),
        ],
    ),
    (
        "bmw",
        &[
            ("3-series", "3 Series", Some(1975), None),
            ("5-series", "5 Series", Some(1972), None),
            ("7-series", "7 Series", Some(1977), None),
            ("x5", "X5", Some(1999), None),
        ],
    ),
    (
        "mercedes-benz",
        &[
            ("c-class", "C-Class", Some(1993), None),
            ("e-class", "E-Class", Some(1993), None),
            ("s-class", "S-Class", Some(1972), None),
            ("g-class", "G-Class", Some(1979), None),
        ],
    ),
    (
        "hyundai",
        &[
            ("accent", "Accent", Some(1994), None),
            ("elantra", "Elantra", Some(1990), None),
            ("sonata", "Sonata", Some(1985), None),
            ("santa-fe", "Santa Fe", Some(2000), None),
            ("tucson", "Tucson", Some(2004), None),
        ],
    ),
    (
        "kia",
        &[
            ("rio", "Rio", Some(1999), None),
            ("optima", "Optima", Some(2000), Some(2020)),
            ("sportage", "Sportage", Some(1993), None),
            ("sorento", "Sorento", Some(2002), None),
        ],
    ),
    (
        "nissan",
        &[
            ("altima", "Altima", Some(1992), None),
            ("patrol", "Patrol", Some(1951), None),
            ("pathfinder", "Pathfinder", Some(1985), None),
            ("x-trail", "X-Trail", Some(2000), None),
        ],
    ),
    (
        "honda",
        &[
            ("accord", "Accord", Some(1976), None),
            ("civic", "Civic", Some(1972), None),
            ("cr-v", "CR-V", Some(1995), None),
        ],
    ),
    (
        "volkswagen",
        &[
            ("golf", "Golf", Some(1974), None),
            ("jetta", "Jetta", Some(1979), None),
            ("passat", "Passat", Some(1973), None),
            ("touareg", "Touareg", Some(2002), None),
        ],
    ),
    (
        "chevrolet",
        &[
            ("camaro", "Camaro", Some(1966), None),
            ("cruze", "Cruze", Some(2008), None),
            ("malibu", "Malibu", Some(1964), None),
            ("tahoe", "Tahoe", Some(1994), None),
        ],
    ),
    (
        "ford",
        &[
            ("explorer", "Explorer", Some(1990), None),
            ("f-150", "F-150", Some(1975), None),
            ("focus", "Focus", Some(1998), Some(2025)),
            ("mustang", "Mustang", Some(1964), None),
        ],
    ),
    (
        "mitsubishi",
        &[
            ("lancer", "Lancer", Some(1973), Some(2017)),
            ("outlander", "Outlander", Some(2001), None),
            ("pajero", "Pajero", Some(1982), Some(2021)),
        ],
    ),
    (
        "mazda",
        &[
            ("mazda3", "Mazda3", Some(2003), None),
            ("mazda6", "Mazda6", Some(2002), None),
            ("cx-5", "CX-5", Some(2012), None),
        ],
    ),
    (
        "audi",
        &[
            ("a4", "A4", Some(1994), None),
            ("a6", "A6", Some(1994), None),
            ("q5", "Q5", Some(2008), None),
            ("q7", "Q7", Some(2005), None),
        ],
    ),
    (
        "lada",
        &[
            ("granta", "Granta", Some(2011), None),
            ("niva", "Niva", Some(1977), None),
            ("priora", "Priora", Some(2007), Some(2018)),
            ("vesta", "Vesta", Some(2015), None),
        ],
    ),
];

pub(super) fn brands() -> Vec<RawBrand> {
    BRANDS
        .iter()
        .map(|(slug, models)| RawBrand {
            category_slug: (*slug).to_owned(),
            models: models
                .iter()
                .map(|&(slug, name, year_start, year_end)| RawModel {
                    category_slug: slug.to_owned(),
                    name: name.to_owned(),
                    year_start,
                    year_end,
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::catalog::{brand_uuid, build};
    use super::*;

    #[test]
    fn builtin_catalogue_is_valid_and_has_no_duplicates() {
        let raw = brands();
        let model_count: usize = raw.iter().map(|b| b.models.len()).sum();
        let catalog = build(raw).unwrap();
        // Merging would silently drop an entry; the built-in list should not rely on it.
        assert_eq!(catalog.brands.len(), BRANDS.len());
        assert_eq!(catalog.models.len(), model_count);
        assert!((10..=15).contains(&catalog.brands.len()));
    }

    #[test]
    fn builtin_brands_have_a_few_models_each() {
        for (slug, models) in BRANDS {
            assert!((3..=6).contains(&models.len()), "{slug}: {}", models.len());
        }
    }

    #[test]
    fn builtin_slugs_follow_catalogue_conventions() {
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        for (slug, models) in BRANDS {
            assert!(ok(slug), "{slug}");
            for (model, ..) in *models {
                assert!(ok(model), "{slug}/{model}");
            }
        }
    }

    #[test]
    fn builtin_year_ranges_are_ordered() {
        for (slug, models) in BRANDS {
            for (model, _, start, end) in *models {
                if let (Some(start), Some(end)) = (start, end) {
                    assert!(start <= end, "{slug}/{model}");
                }
            }
        }
    }

    #[test]
    fn builtin_brand_uuids_are_distinct() {
        let ids: HashSet<_> = BRANDS.iter().map(|(s, _)| brand_uuid(s)).collect();
        assert_eq!(ids.len(), BRANDS.len());
    }
}
