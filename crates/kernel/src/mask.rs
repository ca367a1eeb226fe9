//! Phone numbers are personal data: logs show only enough to tell two numbers apart.

/// Keeps a leading `+`, the first four digits (country and operator) and the last two digits;
/// every other character becomes `*`. Short inputs are masked entirely.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let start = usize::from(chars.first() == Some(&'+'));
    let body = chars.len() - start;
    if body < 8 {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let pos = i - start.min(i);
            if i < start || pos < 4 || pos >= body - 2 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::mask_phone;

    #[test]
    fn masks_the_subscriber_part_of_an_e164_number() {
        assert_eq!(mask_phone("+99361234567"), "+9936*****67");
    }

    #[test]
    fn masks_numbers_without_plus() {
        assert_eq!(mask_phone("99361234567"), "9936*****67");
    }

    #[test]
    fn masks_short_input_entirely() {
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_phone("+1234"), "*****");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn never_reveals_more_than_six_digits() {
        let masked = mask_phone("+99365999999");
        assert_eq!(masked.chars().filter(char::is_ascii_digit).count(), 6);
    }
}
