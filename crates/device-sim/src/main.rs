//! `device-sim`: a command-line SMS device for development. See `--help` and
//! `docs/SMS_DEVICE_PROTOCOL.md`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool: what it prints is its output"
)]

use std::process::ExitCode;

use alpha_device_sim::{AckPlan, Cli, NAMESPACE, SimError, SimEvent, Simulator};
use clap::Parser;

/// Exit code when the server refuses the registration (2 is clap's usage error).
const EXIT_REFUSED: u8 = 3;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Cli::parse().into_config();
    println!(
        "device-sim: connecting to {}{NAMESPACE} as region {}{}{}",
        config.url,
        config.region,
        config
            .device_id
            .as_deref()
            .map(|id| format!(", device id {id}"))
            .unwrap_or_default(),
        if config.token.is_some() {
            ", with a token"
        } else {
            ", without a token"
        },
    );

    let mut sim = match Simulator::start(config).await {
        Ok(sim) => sim,
        Err(SimError::Refused(registration)) => {
            eprintln!(
                "device-sim: registration refused by the server: {}",
                registration.message
            );
            return ExitCode::from(EXIT_REFUSED);
        }
        Err(e) => {
            eprintln!("device-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let registration = sim.registration();
    println!(
        "device-sim: registered: {} (device id {}, region {})",
        registration.message,
        registration.device_id.as_deref().unwrap_or("?"),
        registration.region.as_deref().unwrap_or("?"),
    );
    println!("device-sim: waiting for sms:send (Ctrl-C to quit)");

    let mut received = 0_u64;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                println!("device-sim: disconnecting");
                if let Err(e) = sim.stop().await {
                    eprintln!("device-sim: {e}");
                }
                return ExitCode::SUCCESS;
            }
            Some(sms) = sim.messages.recv() => {
                received += 1;
                let plan = match &sms.plan {
                    AckPlan::Never => "will not ack".to_owned(),
                    AckPlan::Sent { then_delivered: true } => "will ack sent, then delivered".to_owned(),
                    AckPlan::Sent { then_delivered: false } => "will ack sent".to_owned(),
                    AckPlan::Failed { error } => format!("will ack failed ({error})"),
                };
                if sms.repeat {
                    // A real device acknowledges a message it already sent without sending it again.
                    println!("SMS #{received} [{}]: offered again, already sent\n    -> {plan}", sms.correlation_id);
                } else {
                    println!(
                        "SMS #{received} [{}] to {}: {}\n    -> {plan}",
                        sms.correlation_id, sms.phone, sms.text
                    );
                }
            }
            Some(event) = sim.events.recv() => match event {
                SimEvent::AckSent { correlation_id, status } => {
                    println!("    ack {status} [{correlation_id}]");
                }
                SimEvent::Ping { .. } | SimEvent::StatusSent(_) | SimEvent::Hello { .. } => {}
                SimEvent::Connected => println!("device-sim: connected (again)"),
                SimEvent::Registered(registration) if registration.success => {
                    println!("device-sim: registered again: {}", registration.message);
                }
                SimEvent::Registered(registration) => {
                    eprintln!(
                        "device-sim: registration refused by the server: {}",
                        registration.message
                    );
                    return ExitCode::from(EXIT_REFUSED);
                }
                SimEvent::Disconnected => {
                    eprintln!(
                        "device-sim: the server disconnected this device (another device may have \
                         taken over its id)"
                    );
                    return ExitCode::FAILURE;
                }
                SimEvent::Error(message) => eprintln!("device-sim: {message}"),
            },
        }
    }
}
