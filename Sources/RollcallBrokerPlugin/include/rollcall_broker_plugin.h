// Rollcall's Mosquitto plugin: loaded by the broker (`plugin …/libRollcallBrokerPlugin.so` in
// config/mosquitto/mosquitto.conf), never linked into a Rollcall program. Its entry points are Mosquitto's
// plugin interface version 5 (mosquitto_plugin.h); subscribe_acl.c says what it checks and why.
#ifndef ROLLCALL_BROKER_PLUGIN_H
#define ROLLCALL_BROKER_PLUGIN_H
#endif
