export { singleJob } from './singleJob';
export { arrayJob } from './arrayJob';
