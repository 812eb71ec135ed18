/** One colour per lifecycle status, shared by the timeline bars and the legend. */
export const statusColors: Record<string, { fill: string; text: string }> = {
  draft: { fill: '#d9dde4', text: '#333a47' },
  scheduled: { fill: '#9dbcf5', text: '#11336e' },
  running: { fill: '#5cc486', text: '#0b3d20' },
  stopped: { fill: '#f3c969', text: '#4d3400' },
  concluded: { fill: '#b9a2ef', text: '#2e1a66' },
  promoted: { fill: '#1f7a4a', text: '#ffffff' }
};
