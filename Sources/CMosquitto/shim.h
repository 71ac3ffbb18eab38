// libmosquitto (MQTT v3.1.1/v5 client with TLS) and its MQTT v5 protocol constants.
#ifndef ROLLCALL_CMOSQUITTO_SHIM_H
#define ROLLCALL_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
