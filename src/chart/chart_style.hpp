#pragma once
// Private to chart/: the inks and type sizes every chart shares, so that charts drawn by
// different sources sit beside each other on a page unnoticed.
#include "curcrunch/chart/scene.hpp"

namespace curcrunch::chart::style {

inline constexpr Color kInk{40, 40, 40};
inline constexpr Color kGrid{225, 225, 225};
inline constexpr Color kAxis{120, 120, 120};
inline constexpr double kTitleSize = 10, kLabelSize = 7.5;

}  // namespace curcrunch::chart::style
