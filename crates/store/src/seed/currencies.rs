//! Exchange rates into TMT for `convert_prices`. Fixed facts of the old system (CONTRACT §7.1),
//! so they live in code rather than in a file that could go missing.

use bigdecimal::BigDecimal;
use bigdecimal::num_bigint::BigInt;

/// A `convert_prices` row: how many TMT one unit of `label` is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Currency {
    pub(super) label: &'static str,
    pub(super) rate: BigDecimal,
}

/// (label, rate digits, decimal places): integers, because a decimal literal parsed at run time
/// would need error handling for input that can never be wrong.
const RATES: [(&str, i64, i64); 3] = [
    // The base currency.
    ("TMT", 10, 1),
    // 1 USD = 19.5 TMT.
    ("USD", 195, 1),
    // 19.5 / 7.2 CNY per USD, rounded as the old seed had it.
    ("CNY", 27, 1),
];

pub(super) fn all() -> Vec<Currency> {
    RATES
        .iter()
        .map(|&(label, digits, scale)| Currency {
            label,
            rate: BigDecimal::new(BigInt::from(digits), scale),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn rates_are_the_contract_values() {
        let rates: Vec<(&str, BigDecimal)> = all().into_iter().map(|c| (c.label, c.rate)).collect();
        let expected: Vec<(&str, BigDecimal)> = [("TMT", "1.0"), ("USD", "19.5"), ("CNY", "2.7")]
            .into_iter()
            .map(|(l, r)| (l, BigDecimal::from_str(r).unwrap()))
            .collect();
        assert_eq!(rates, expected);
    }
}
