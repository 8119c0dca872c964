#pragma once
#ifndef SANGAM_VERSION
#define SANGAM_VERSION "0.0.0-dev"
#endif
